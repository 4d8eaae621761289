-- wrk script: GET /{code} over the codes in CODES_FILE (one per line), uniformly at random with a
-- fixed seed per thread; counts 302s as "redirects" and prints report.lua's JSON line at the end.
local codes = {}
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local function load_codes()
  local path = os.getenv("CODES_FILE")
  assert(path, "CODES_FILE is not set")
  for line in io.lines(path) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  assert(#codes > 0, "no codes in " .. path)
end

setup = report.setup

function init(args)
  load_codes()
  math.randomseed(42 + id)
end

function request()
  return wrk.format("GET", "/" .. codes[math.random(#codes)])
end

function response(status, headers, body)
  report.count(status, 302)
end

done = report.done("redirects")
