-- The one JSON line a wrk script prints when its run ends, shared by redirects.lua and create.lua:
-- requests, seconds, rps, the script's own counts summed over its threads, socket errors and
-- latency percentiles in ms. A script loads it with
--   local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
-- and calls report(summary, latency, threads, counts) from done(); counts lists
-- { json name, thread variable } pairs in the order they are written.
return function(summary, latency, threads, counts)
  local secs = summary.duration / 1e6
  local parts = {
    string.format('"requests":%d', summary.requests),
    string.format('"seconds":%.3f', secs),
    string.format('"rps":%.1f', summary.requests / secs),
  }
  for _, count in ipairs(counts) do
    local total = 0
    for _, t in ipairs(threads) do total = total + t:get(count[2]) end
    parts[#parts + 1] = string.format('"%s":%d', count[1], total)
  end
  local e = summary.errors
  parts[#parts + 1] = string.format('"socket_errors":%d', e.connect + e.read + e.write + e.timeout)
  for _, p in ipairs({ { "p50_ms", 50 }, { "p90_ms", 90 }, { "p99_ms", 99 }, { "p999_ms", 99.9 } }) do
    parts[#parts + 1] = string.format('"%s":%.3f', p[1], latency:percentile(p[2]) / 1000)
  end
  parts[#parts + 1] = string.format('"max_ms":%.3f', latency.max / 1000)
  io.write("{" .. table.concat(parts, ",") .. "}\n")
end
