-- What redirects.lua and create.lua share: numbering the threads, counting answers by status,
-- and the one JSON line printed when the run ends (requests, seconds, rps, the expected
-- answers under the script's name, other statuses, socket errors (total, then by kind: a
-- timeout is an answer slower than wrk's 2 s, left out of the percentiles), latency percentiles in ms).
-- A script loads it with
--   local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
-- then sets  setup = report.setup,  calls report.count(status, expected) from response(), and
-- sets  done = report.done("name").  Each thread's Lua state runs this file: `id`, `hits` and
-- `other` are that thread's globals, read back through thread:get at the end.
local threads = {}
local M = {}

hits, other = 0, 0

function M.setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function M.count(status, expected)
  if status == expected then hits = hits + 1 else other = other + 1 end
end

function M.done(name)
  return function(summary, latency, requests)
    local nhits, nother = 0, 0
    for _, t in ipairs(threads) do
      nhits = nhits + t:get("hits")
      nother = nother + t:get("other")
    end
    local secs = summary.duration / 1e6
    local e = summary.errors
    local parts = {
      string.format('"requests":%d,"seconds":%.3f,"rps":%.1f', summary.requests, secs, summary.requests / secs),
      string.format('"%s":%d,"other_status":%d', name, nhits, nother),
      string.format('"socket_errors":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}',
        e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout),
    }
    for _, p in ipairs({ { "p50_ms", 50 }, { "p90_ms", 90 }, { "p99_ms", 99 }, { "p999_ms", 99.9 } }) do
      parts[#parts + 1] = string.format('"%s":%.3f', p[1], latency:percentile(p[2]) / 1000)
    end
    parts[#parts + 1] = string.format('"max_ms":%.3f', latency.max / 1000)
    io.write("{" .. table.concat(parts, ",") .. "}\n")
  end
end

return M
