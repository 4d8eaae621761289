-- wrk script for scripts/loadtest: the k6 profiles' request mix, optionally paced.
--
--   CODES_FILE=... [LT_PACING_RATE=6] [LT_CONNECTIONS=100] [LT_SEED=42] [LT_ZIPF_S=1.0] \
--   [LT_RUN_TAG=x] [LT_TIMEOUT_MS=10000] wrk -t1 -c100 -d30s --latency -s scripts/wrk/mix.lua http://127.0.0.1:8080
--
-- Mix (same as the k6 scripts): 90 % GET /{code} (302 expected; wrk never follows redirects),
-- 4 % GET /api/v1/links/{code} and 4 % GET /api/v1/links/{code}/stats (200 expected), 2 % POST
-- /api/v1/links {"url":"https://example.org/lt/<tag>-<n>"} as application/json (201 expected).
-- Codes come from CODES_FILE (one per line, rank order, line 1 the most popular) drawn with a
-- Zipf skew (weight of rank k = k^-s, s = LT_ZIPF_S, default 1.0): the CDF is computed once per
-- wrk thread in init() and searched by bisection. The kind and the code of every request come
-- from math.random seeded with LT_SEED + thread id, so a step's request sequence is fixed;
-- pacing uses a second, separate generator so that timing never shifts that sequence.
--
-- PACING (LT_PACING_RATE = r requests/s per connection; absent or 0 = no pacing, max throughput).
-- k6 paces each VU with sleep = max(0, 1/r - elapsed), elapsed = time since that iteration's
-- request started. wrk's delay() is the equivalent hook: wrk calls it once for every connection
-- before its first request, and then for a connection right after that connection's response
-- was parsed (at the next turn of the event loop); it sends the connection's next request
-- delay() ms later. The latency wrk records starts when the request is written, so think time
-- is never counted as latency. But neither delay() nor response() is told WHICH connection it
-- serves, so the elapsed time of that connection's request is not known exactly. The
-- approximation used here:
--   * request() pushes the monotonic time (LuaJIT ffi clock_gettime(CLOCK_MONOTONIC)) on a FIFO;
--   * delay() pops the OLDEST start time and uses elapsed = now - that time.
-- Each connection has at most one request outstanding (no pipelining), so the FIFO holds
-- exactly the requests in flight or answered-but-not-yet-delayed. Pairing oldest-first is exact
-- when the server answers in order and otherwise swaps elapsed times between connections that
-- overlap in flight: one delay is off by at most the spread of concurrent latencies, but the
-- SUM of the elapsed times (so the mean cycle of 1/r per connection, i.e. the offered rate) is
-- right as long as 1/r > latency (no clipping at 0). When elapsed >= 1/r the delay is 0, as in
-- k6, and the call is counted as "late" (the offered rate is then not reached).
--   * delay() pops only when a response() is waiting for its delay (a counter): the calls wrk
--     makes before a connection's first request have no response before them, pop nothing and
--     return a delay drawn uniformly in [0, 1/r). All connections of a step open at once; this
--     spreads their phases the way k6's gradual VU start does (it costs at most one period at
--     the start of a step). So the FIFO loses exactly one entry per answer.
--   * wrk also calls request() once on its first thread right after init() only to check it
--     (the result is never sent): that call is recognised and neither counted nor timed.
--   * A request lost to a socket error gets no delay() and leaves its entry behind: entries
--     older than LT_TIMEOUT_MS are dropped, and the FIFO is capped at LT_CONNECTIONS + 1; until
--     then pairings are shifted by one request (about 1/aggregate rate, < 1 ms here).
--   * ae timers have 1 ms resolution: the delay is rounded to whole ms stochastically (up with
--     probability equal to the fraction), so the mean delay is unbiased.
-- The JSON line reports the achieved rate per connection, the mean elapsed time the delays used
-- (compare it with the mean latency) and the late fraction, so the approximation can be checked
-- in every step. Measured here: 20 and 300 connections at 7.2/s gave 7.19 and 7.16 req/s per
-- connection over 6 s (the shortfall is the initial spread), mean elapsed = mean latency + ~20 us.
--
-- LATENCY: wrk's histogram, written request to parsed answer. Before done() wrk 4 adds
-- coordinated-omission samples (expected interval = duration / (requests / connections): about
-- 1/r when paced, about the mean latency when not), and answers slower than --timeout are left
-- out of it (counted in errors.timeout). done() prints ~30 quantiles so that scripts/loadtest can
-- merge steps as a mixture of distributions rather than averaging percentiles.
--
-- COUNTING: response() gets the status but not the request, so answers are counted by status:
-- 302 (only redirects answer it), 200 (only the reads), 201 (only the create), and any other
-- status per code; an unexpected answer is attributed to a kind through the "instance" of its
-- problem+json body (every 4xx/5xx of the server carries one; a redirect's is "/{code}"), else
-- to kind "unknown". Requests sent are counted per kind in request().
-- At the end (done(), setup/thread:get pattern of redirects.lua) one JSON line is printed.
--
-- UNANSWERED REDIRECTS (the in-flight allowance of scripts/loadtest's click accounting):
--   redirects.unanswered = redirects.sent - redirects["302"] - redirects.other
-- i.e. GET /{code} requests that request() built (wrk's check call excluded) minus the answers
-- of any status to them. It is exact as a count, and it is exactly the set of redirects whose
-- click the server may have counted while wrk never saw their 302: the server appends a click
-- only on its 302 path, so every other redirect answer carries no click. Where the unanswered
-- ones went follows from wrk 4.1's src/wrk.c:
--   * request() runs only in socket_writeable() when a connection starts a new request
--     (c->written == 0); the request is then outstanding on that connection until
--     response_complete(), which calls response() first thing (this script defines it). wrk
--     pipelines as many requests as the checked request() returned: 1 here. So a connection
--     has at most one request outstanding.
--   * An outstanding request ends without response() only when reconnect_socket() tears its
--     connection down after a write error (errors.write += 1) or a read/parse error
--     (errors.read += 1): wrk then builds a NEW request on the new socket. One error abandons
--     at most one request (a read error on an idle connection abandons none). The other path
--     to reconnect_socket(), a response without keep-alive, comes after response(). Connect
--     errors happen before request() on the new socket. errors.timeout in wrk 4 counts
--     answers slower than --timeout that were parsed (response() saw them); nothing is
--     cancelled on a timeout.
--   * At the end of -d, record_rate() stops the loop (within 100 ms) with whatever is
--     outstanding: at most one request per connection.
-- Hence unanswered = in_flight_at_stop + abandoned, with 0 <= in_flight_at_stop <= connections
-- and 0 <= abandoned <= errors.read + errors.write, so the bound scripts/loadtest checks is
--   redirects.unanswered <= connections + errors.read + errors.write,
-- and with no read/write errors (every healthy step) unanswered IS the number of redirects in
-- flight when wrk stopped, <= connections. Lua is told neither which connection a call serves
-- nor about socket errors, so when such errors happen the two parts cannot be told apart: an
-- abandoned redirect may also have been served (the connection broke after the server
-- counted it), so both stay in the allowance. An answer of kind "unknown" may be a redirect's:
-- while there are any, unanswered is an upper bound and unanswered - unknown a lower one
-- (scripts/loadtest uses the upper for the allowance and the lower for the bound check).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } lt_timespec_t;
int clock_gettime(int clk_id, lt_timespec_t *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("lt_timespec_t")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local RATE = tonumber(os.getenv("LT_PACING_RATE") or "0") or 0
-- connections per wrk thread (scripts/loadtest always runs -t1; set LT_THREADS for -tN)
local CONNS = math.ceil((tonumber(os.getenv("LT_CONNECTIONS") or "0") or 0)
  / (tonumber(os.getenv("LT_THREADS") or "1") or 1))
local SEED = tonumber(os.getenv("LT_SEED") or "42") or 42
local ZIPF_S = tonumber(os.getenv("LT_ZIPF_S") or "1.0") or 1.0
local RUN_TAG = os.getenv("LT_RUN_TAG") or "lt"
local TIMEOUT_MS = tonumber(os.getenv("LT_TIMEOUT_MS") or "10000") or 10000
local PERIOD_MS = RATE > 0 and 1000 / RATE or 0

-- cumulative shares of the mix: redirect, link metadata, link stats, create
local P_REDIRECT, P_LINK, P_STATS = 0.90, 0.94, 0.98

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

-- per thread ------------------------------------------------------------------------------

local codes, ncodes, cdf
-- The API needs a key (the runner passes SHORTLINK_API_KEY: the environment's, or data/admin-key);
-- redirects never send one.
local API_KEY = os.getenv("SHORTLINK_API_KEY") or ""
local api_headers = {}
if API_KEY ~= "" then api_headers["Authorization"] = "Bearer " .. API_KEY end
local post_headers = { ["Content-Type"] = "application/json" }
if API_KEY ~= "" then post_headers["Authorization"] = "Bearer " .. API_KEY end
local fifo, fifo_head, fifo_tail, fifo_cap = {}, 1, 0, 0   -- request start times (ms)
local prng = 1                                             -- Park-Miller state for pacing

local function pacing_random() -- uniform in [0, 1), independent of math.random
  prng = (prng * 16807) % 2147483647
  return (prng - 1) / 2147483646
end

local function load_codes()
  local path = os.getenv("CODES_FILE")
  assert(path, "CODES_FILE is not set")
  codes = {}
  for line in io.lines(path) do
    line = line:gsub("%s+$", "")
    if #line > 0 then codes[#codes + 1] = line end
  end
  ncodes = #codes
  assert(ncodes > 0, "no codes in " .. path)
  cdf = ffi.new("double[?]", ncodes + 1)
  local sum = 0
  for k = 1, ncodes do
    sum = sum + k ^ (-ZIPF_S)
    cdf[k] = sum
  end
  for k = 1, ncodes do cdf[k] = cdf[k] / sum end
  cdf[ncodes] = 1.0
end

local function zipf_code()
  local u = math.random()
  local lo, hi = 1, ncodes
  while lo < hi do -- smallest k with cdf[k] >= u
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return codes[lo]
end

function init(args)
  load_codes()
  math.randomseed(SEED + id)
  prng = (SEED * 7919 + id * 104729) % 2147483646 + 1
  fifo_cap = (CONNS > 0 and CONNS or 10000) + 1
  -- counters, read by done() through thread:get
  sent_redirect, sent_link, sent_stats, sent_create = 0, 0, 0, 0
  s302, s200, s201, other = 0, 0, 0, 0
  other_by_status = {}  -- [status] = n
  other_by_kind = {}    -- [kind] = n (kind from the problem body's instance, else "unknown")
  posted = 0
  delays, initial, late, delay_ms_sum, elapsed_ms_sum = 0, 0, 0, 0, 0
  answered = 0 -- responses whose delay() has not come yet
  verify_pending = (id == 1)
end

function request()
  if verify_pending then
    -- wrk calls request() once on its first thread right after init() to check the result, and
    -- discards it: it is neither sent nor counted, and must not enter the pacing FIFO
    verify_pending = false
    return wrk.format("GET", "/" .. codes[1])
  end
  if RATE > 0 then
    fifo_tail = fifo_tail + 1
    fifo[fifo_tail] = now_ms()
    if fifo_tail - fifo_head + 1 > fifo_cap then -- a request that never got an answer
      fifo[fifo_head] = nil
      fifo_head = fifo_head + 1
    end
  end
  local u = math.random()
  if u < P_REDIRECT then
    sent_redirect = sent_redirect + 1
    return wrk.format("GET", "/" .. zipf_code())
  elseif u < P_LINK then
    sent_link = sent_link + 1
    return wrk.format("GET", "/api/v1/links/" .. zipf_code(), api_headers)
  elseif u < P_STATS then
    sent_stats = sent_stats + 1
    return wrk.format("GET", "/api/v1/links/" .. zipf_code() .. "/stats", api_headers)
  else
    sent_create = sent_create + 1
    posted = posted + 1
    local body = '{"url":"https://example.org/lt/' .. RUN_TAG .. "-" .. id .. "-" .. posted .. '"}'
    return wrk.format("POST", "/api/v1/links", post_headers, body)
  end
end

local function kind_of(body)
  local instance = body and body:match('"instance"%s*:%s*"([^"]*)"')
  if not instance then return "unknown" end
  if instance == "/api/v1/links" then return "create" end
  if instance:match("^/api/v1/links/[^/]+/stats") then return "stats" end
  if instance:match("^/api/v1/links/") then return "link" end
  if instance:match("^/[^/]+$") then return "redirect" end
  return "unknown"
end

function response(status, headers, body)
  answered = answered + 1 -- this connection's delay() follows at the next turn of the loop
  if status == 302 then
    s302 = s302 + 1
  elseif status == 200 then
    s200 = s200 + 1
  elseif status == 201 then
    s201 = s201 + 1
  else
    other = other + 1
    other_by_status[status] = (other_by_status[status] or 0) + 1
    local k = kind_of(body)
    other_by_kind[k] = (other_by_kind[k] or 0) + 1
  end
end

if RATE > 0 then
  function delay()
    local now = now_ms()
    delays = delays + 1
    local d
    if answered == 0 then
      d = pacing_random() * PERIOD_MS -- before a connection's first request: spread the phases
      initial = initial + 1
    else
      answered = answered - 1
      while fifo_head < fifo_tail and now - fifo[fifo_head] > TIMEOUT_MS do -- lost requests
        fifo[fifo_head] = nil
        fifo_head = fifo_head + 1
      end
      local started = now
      if fifo_head <= fifo_tail then
        started = fifo[fifo_head]
        fifo[fifo_head] = nil
        fifo_head = fifo_head + 1
      end
      local elapsed = now - started
      elapsed_ms_sum = elapsed_ms_sum + elapsed
      d = PERIOD_MS - elapsed
      if d <= 0 then
        late = late + 1
        d = 0
      end
    end
    local whole = math.floor(d)
    if pacing_random() < d - whole then whole = whole + 1 end
    delay_ms_sum = delay_ms_sum + whole
    return whole
  end
end

-- main state --------------------------------------------------------------------------------

local QUANTILES = { 1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 85, 90, 91, 92, 93, 94, 95, 96,
  97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999 }

local function json_map(t)
  local parts = {}
  for k, v in pairs(t) do parts[#parts + 1] = string.format('"%s":%d', tostring(k), v) end
  table.sort(parts)
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local sum = { sent_redirect = 0, sent_link = 0, sent_stats = 0, sent_create = 0, s302 = 0, s200 = 0,
    s201 = 0, other = 0, delays = 0, initial = 0, late = 0, delay_ms_sum = 0, elapsed_ms_sum = 0 }
  local by_status, by_kind = {}, {}
  for _, t in ipairs(threads) do
    for k in pairs(sum) do sum[k] = sum[k] + (t:get(k) or 0) end
    for k, v in pairs(t:get("other_by_status") or {}) do by_status[k] = (by_status[k] or 0) + v end
    for k, v in pairs(t:get("other_by_kind") or {}) do by_kind[k] = (by_kind[k] or 0) + v end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  local q = {}
  for _, p in ipairs(QUANTILES) do
    q[#q + 1] = string.format('["%s",%.3f]', tostring(p), latency:percentile(p) / 1000)
  end
  local n = summary.requests
  local redirect_other = by_kind["redirect"] or 0
  io.write(string.format(
    '{"lt_step":1,"requests":%d,"duration_s":%.3f,"rps":%.1f,"connections":%d,"pacing_rate":%s,' ..
    '"sent":{"redirect":%d,"link":%d,"stats":%d,"create":%d},' ..
    '"redirects":{"sent":%d,"302":%d,"other":%d,"unanswered":%d},' ..
    '"counts":{"302":%d,"200":%d,"201":%d,"other":%d},"other_by_status":%s,"other_by_kind":%s,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"status_errors_wrk":%d,' ..
    '"pacing":{"delays":%d,"initial":%d,"late":%d,"mean_delay_ms":%.3f,"mean_elapsed_ms":%.3f},' ..
    '"latency_ms":{"min":%.3f,"mean":%.3f,"stdev":%.3f,"p50":%.3f,"p90":%.3f,"p95":%.3f,"p99":%.3f,' ..
    '"p99.9":%.3f,"max":%.3f},"quantiles_ms":[%s],"bytes":%d}\n',
    n, secs, n / secs, tonumber(os.getenv("LT_CONNECTIONS") or "0") or 0, tostring(RATE),
    sum.sent_redirect, sum.sent_link, sum.sent_stats, sum.sent_create,
    sum.sent_redirect, sum.s302, redirect_other, sum.sent_redirect - sum.s302 - redirect_other,
    sum.s302, sum.s200, sum.s201, sum.other, json_map(by_status), json_map(by_kind),
    e.connect, e.read, e.write, e.timeout, e.status,
    sum.delays, sum.initial, sum.late, sum.delays > 0 and sum.delay_ms_sum / sum.delays or 0,
    sum.delays > sum.initial and sum.elapsed_ms_sum / (sum.delays - sum.initial) or 0,
    n > 0 and latency.min / 1000 or 0, latency.mean / 1000, latency.stdev / 1000,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    table.concat(q, ","), summary.bytes))
end
