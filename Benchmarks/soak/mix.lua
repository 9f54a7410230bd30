-- wrk script for the lossd soak: 9 in 10 requests are POST /v1/losses/dice with a
-- ~4 KB JSON body (a 4x96 float32 input and its 0/1 target), 1 in 10 is GET /healthz.
-- Every response that is not 2xx is counted and reported by done().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function dice_body()
  -- Deterministic pseudo-random probabilities so every run sends the same bytes.
  local seed = 12345
  local function next_value()
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  end
  local input_rows, target_rows = {}, {}
  for _ = 1, 4 do
    local input_row, target_row = {}, {}
    for _ = 1, 96 do
      table.insert(input_row, string.format("%.6f", next_value()))
      table.insert(target_row, next_value() < 0.5 and "0" or "1")
    end
    table.insert(input_rows, "[" .. table.concat(input_row, ",") .. "]")
    table.insert(target_rows, "[" .. table.concat(target_row, ",") .. "]")
  end
  return '{"input":[' .. table.concat(input_rows, ",") .. '],"target":[' .. table.concat(target_rows, ",") .. ']}'
end

function init(args)
  non2xx = 0
  counter = 0
  local body = dice_body()
  dice_request = wrk.format("POST", "/v1/losses/dice", { ["Content-Type"] = "application/json" }, body)
  health_request = wrk.format("GET", "/healthz")
  body_bytes = #body
end

function request()
  counter = counter + 1
  if counter % 10 == 0 then return health_request end
  return dice_request
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format("SOAK requests=%d duration_s=%.1f rps=%.1f bytes_read=%d body_bytes=%d\n",
    summary.requests, seconds, summary.requests / seconds, summary.bytes, threads[1]:get("body_bytes")))
  io.write(string.format("SOAK latency_ms p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f mean=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
  io.write(string.format("SOAK errors non2xx=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    bad, errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
