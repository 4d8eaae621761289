-- wrk script: GET /{code} over the codes in CODES_FILE (one per line), uniformly at random with a
-- fixed seed per thread; counts answers by status and prints report.lua's JSON line at the end.
local codes = {}
local threads = {}
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local function load_codes()
  local path = os.getenv("CODES_FILE")
  assert(path, "CODES_FILE is not set")
  for line in io.lines(path) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  assert(#codes > 0, "no codes in " .. path)
end

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  load_codes()
  math.randomseed(42 + id)
  found, other = 0, 0
end

function request()
  return wrk.format("GET", "/" .. codes[math.random(#codes)])
end

function response(status, headers, body)
  if status == 302 then found = found + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  report(summary, latency, threads, { { "redirects", "found" }, { "other_status", "other" } })
end
