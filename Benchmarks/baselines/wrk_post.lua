-- wrk script: POST one body from a file. Usage: wrk ... -s wrk_post.lua URL -- BODY_FILE CONTENT_TYPE
function init(args)
   local file = assert(io.open(args[1], "rb"))
   wrk.body = file:read("*a")
   file:close()
   wrk.method = "POST"
   wrk.headers["Content-Type"] = args[2] or "application/json"
end
