-- wrk: PUT the same stored segment again and again (idempotent replay, no model run).
-- env: EARSHOT_TOKEN, EARSHOT_WAV, EARSHOT_KEY
local token = os.getenv("EARSHOT_TOKEN")
local key = os.getenv("EARSHOT_KEY")
local file = io.open(os.getenv("EARSHOT_WAV"), "rb")
local body = file:read("*a")
file:close()
wrk.method = "PUT"
wrk.path = "/v1/segments/" .. key
wrk.body = body
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "audio/wav"
wrk.headers["Idempotency-Key"] = key
wrk.headers["X-Earshot-Contract"] = "1"
wrk.headers["X-Earshot-Wake-Word"] = "alexa"
wrk.headers["X-Earshot-Score"] = "0.93"
wrk.headers["X-Earshot-Model-Name"] = "alexa"
wrk.headers["X-Earshot-Model-Version"] = "1"
wrk.headers["X-Earshot-Capture-Start"] = "2026-11-21T14:00:00.000Z"
wrk.headers["X-Earshot-Capture-End"] = "2026-11-21T14:00:02.000Z"
wrk.headers["X-Earshot-Sample-Rate"] = "16000"
