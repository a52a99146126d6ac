-- wrk script: POST {"args":[25]} to the URL's path (…/v1/modules/fib/invoke/fib, fib_recursive.wat).
wrk.method = "POST"
wrk.body = '{"args":[25]}'
wrk.headers["Content-Type"] = "application/json"
