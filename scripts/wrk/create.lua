-- wrk script: POST /api/v1/links, each to a new target, sending API_KEY (if set) as a Bearer
-- token; counts 201s as "created" and prints report.lua's JSON line at the end.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local n = 0

setup = report.setup

function init(args)
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
  report.count(status, 201)
end

done = report.done("created")
