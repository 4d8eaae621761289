-- wrk script: POST /api/v1/links, each to a new target, sending API_KEY (if set) as a Bearer
-- token; counts answers by status ("created" for 201s) and prints report.lua's JSON line at the end.
local threads = {}
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

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
  report(summary, latency, threads, { { "created", "created" }, { "other_status", "other" } })
end
