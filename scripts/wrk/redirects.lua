-- wrk script: GET /{code} over the codes in CODES_FILE (one per line), uniformly at random with a
-- fixed seed per thread; counts answers by status and prints one JSON line at the end.
local codes = {}
local threads = {}

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
  local n302, nother = 0, 0
  for _, t in ipairs(threads) do
    n302 = n302 + t:get("found")
    nother = nother + t:get("other")
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"redirects":%d,"other_status":%d,' ..
    '"socket_errors":%d,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, secs, summary.requests / secs, n302, nother,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
