-- wrk: PUT a new key on every request, so that every request runs the whole phase-2 pipeline.
-- env: EARSHOT_TOKEN, EARSHOT_WAV, EARSHOT_DEVICE, EARSHOT_BOOT (distinct per run)
local token = os.getenv("EARSHOT_TOKEN")
local device = os.getenv("EARSHOT_DEVICE")
local boot = tonumber(os.getenv("EARSHOT_BOOT"))
local file = io.open(os.getenv("EARSHOT_WAV"), "rb")
local body = file:read("*a")
file:close()
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local key = string.format("%s.b%06d.s%06d", device, boot, thread_id * 100000000 + counter)
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "audio/wav",
    ["Idempotency-Key"] = key,
    ["X-Earshot-Contract"] = "1",
    ["X-Earshot-Wake-Word"] = "alexa",
    ["X-Earshot-Score"] = "0.93",
    ["X-Earshot-Model-Name"] = "alexa",
    ["X-Earshot-Model-Version"] = "1",
    ["X-Earshot-Capture-Start"] = "2026-11-21T14:00:00.000Z",
    ["X-Earshot-Capture-End"] = "2026-11-21T14:00:02.000Z",
    ["X-Earshot-Sample-Rate"] = "16000",
  }
  return wrk.format("PUT", "/v1/segments/" .. key, headers, body)
end
