-- wrk script: POST {"args":[1,2]} to the URL's path (…/v1/modules/{id}/invoke/add).
wrk.method = "POST"
wrk.body = '{"args":[1,2]}'
wrk.headers["Content-Type"] = "application/json"
