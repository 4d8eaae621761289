-- wrk script: POST /api/v1/links, each to a new target, sending API_KEY (if set) as a Bearer
-- token; counts answers by status and prints one JSON line at the end (the shape of
-- redirects.lua's, with "created" for 201s).
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  created, other, n = 0, 0, 0
  local key = os.getenv("API_KEY")
  wrk.headers["Content-Type"] = "application/json"
  if key and #key > 0 then wrk.headers["Authorization"] = "Bearer " .. key end
end

function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/links", nil,
    string.format('{"url":"https://example.org/bench-api/%d/%d"}', id, n))
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local ncreated, nother = 0, 0
  for _, t in ipairs(threads) do
    ncreated = ncreated + t:get("created")
    nother = nother + t:get("other")
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"rps":%.1f,"created":%d,"other_status":%d,"socket_errors":%d,' ..
    '"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, summary.requests / secs, ncreated, nother,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000))
end
