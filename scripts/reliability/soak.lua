-- wrk script for scripts/reliability/soak.sh: a mix of everything a daemon sees.
--   51% invoke calc.add             7% upload a new small module (random constant)
--    2% trap.spin, timeout_ms 5     3% cycle-a.twice (two host.invoke calls into cycle-b)
--    7% delete one uploaded here    10% trap.spin with fuel 20000 (422 fuel_exhausted)
--    8% trap.div by zero (422)       4% echo with 4 KiB of input
--    4% GET /v1/modules/calc         4% GET /healthz
-- (Until 2026-11-25 21:30 UTC, add had 56% and there were no deadline or host.invoke calls.)
-- Deletes keep pace with uploads, so the store (and the module cache) stay small
-- and any growth of the daemon's memory is a leak, not data.
-- Counts answers by status in each thread; done() sums them and prints one line
-- that soak.sh parses: "soak-status 2xx=N 4xx=N 5xx=N 500=N 503=N other=N".

local threads = {}

function setup(thread)
  thread:set("seed", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + seed)
  ids = {}
  s2, s4, s5, s500, s503, sother = 0, 0, 0, 0, 0, 0
  input = string.rep("x", 4096)
end

local function post(path, body)
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end

function request()
  local roll = math.random(100)
  if roll <= 51 then
    return post("/v1/modules/calc/invoke/add",
      string.format('{"args":[%d,%d]}', math.random(0, 100000), math.random(0, 100000)))
  elseif roll <= 53 then
    return post("/v1/modules/trap/invoke/spin", '{"timeout_ms":5}')
  elseif roll <= 56 then
    return post("/v1/modules/cycle-a/invoke/twice", string.format('{"args":[%d]}', math.random(0, 100000)))
  elseif roll <= 63 then
    local wat = string.format('(module (func (export "k") (result i64) (i64.const %d%d)))',
      math.random(1, 999999999), math.random(0, 999999999))
    return wrk.format("POST", "/v1/modules", {["Content-Type"] = "application/wasm"}, wat)
  elseif roll <= 70 and #ids > 0 then
    local id = table.remove(ids, math.random(#ids))
    return wrk.format("DELETE", "/v1/modules/" .. id)
  elseif roll <= 80 then
    return post("/v1/modules/trap/invoke/spin", '{"fuel":20000}')
  elseif roll <= 88 then
    return post("/v1/modules/trap/invoke/div", '{"args":[7,0]}')
  elseif roll <= 92 then
    return post("/v1/modules/echo/invoke/echo", '{"input":"' .. input .. '"}')
  elseif roll <= 96 then
    return wrk.format("GET", "/v1/modules/calc")
  else
    return wrk.format("GET", "/healthz")
  end
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    s2 = s2 + 1
    -- An upload answer names export k: remember its id for a later delete.
    if status == 201 and body and string.find(body, '"name":"k"', 1, true) then
      local id = string.match(body, '"id":"(%x+)"')
      if id and #ids < 500 then table.insert(ids, id) end
    end
  elseif status >= 400 and status < 500 then
    s4 = s4 + 1
  elseif status == 500 then
    s500 = s500 + 1
    s5 = s5 + 1
  elseif status == 503 then
    s503 = s503 + 1
    s5 = s5 + 1
  elseif status >= 500 then
    s5 = s5 + 1
  else
    sother = sother + 1
  end
end

function done(summary, latency, requests)
  local t2, t4, t5, t500, t503, tother = 0, 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t2 = t2 + thread:get("s2")
    t4 = t4 + thread:get("s4")
    t5 = t5 + thread:get("s5")
    t500 = t500 + thread:get("s500")
    t503 = t503 + thread:get("s503")
    tother = tother + thread:get("sother")
  end
  io.write(string.format("soak-status 2xx=%d 4xx=%d 5xx=%d 500=%d 503=%d other=%d errors_connect=%d errors_read=%d errors_timeout=%d p50_us=%d p99_us=%d\n",
    t2, t4, t5, t500, t503, tother, summary.errors.connect, summary.errors.read, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
