-- wrk script: POST {"args":[1,2]} like invoke.lua, and end the whole run once a
-- thread has seen N responses (N = first script argument, per thread):
--   wrk -t2 -c32 -d300s -s bounded.lua URL -- 5000    → about 10,000 requests
-- wrk itself always waits out -d, so the thread exits the process instead; no
-- summary is printed and the exact count comes from the daemon's /metrics.
wrk.method = "POST"
wrk.body = '{"args":[1,2]}'
wrk.headers["Content-Type"] = "application/json"

local limit = 10000
local seen = 0

function init(args)
  limit = tonumber(args[1]) or limit
end

function response(status, headers, body)
  seen = seen + 1
  if seen >= limit then
    io.stdout:write("bounded: ", seen, " responses on one thread\n")
    io.stdout:flush()
    os.exit(0)
  end
end
