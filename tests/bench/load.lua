-- wrk script of the city benchmark: plays the requests of a scenario file, one per line
-- (METHOD \t PATH \t ACCESS_TOKEN \t BODY), each thread from its own random line.
-- In a POST body, {uuid} becomes a fresh id, sent as the Idempotency-Key too: every write
-- is a new one, as from a phone's outbox. done() prints the figures as one JSON line.
-- Usage: wrk ... -s load.lua -- scenario.tsv SEED

local requests = {}
local position = 0
local threads = 0

-- Runs in the main state once per thread: each thread gets its own number, hence its own
-- random sequence (the threads' states are alike, so nothing else tells them apart).
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local function uuid4()
  local r = math.random
  return string.format(
    "%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    r(0, 0xffff), r(0, 0xffff), r(0, 0xffff), r(0, 0xfff),
    r(0x8000, 0xbfff), r(0, 0xffff), r(0, 0xffff), r(0, 0xffff)
  )
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^(%S+)\t(%S+)\t(%S*)\t(.*)$")
    requests[#requests + 1] = { method, path, token, body }
  end
  math.randomseed((tonumber(args[2]) or 1) * 100 + thread_number)
  position = math.random(#requests)
end

function request()
  position = position % #requests + 1
  local method, path, token, body = unpack(requests[position])
  local headers = { ["Content-Type"] = "application/json" }
  if token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  if method == "POST" then
    local id = uuid4()
    body = body:gsub("{uuid}", id)
    headers["Idempotency-Key"] = id
  else
    body = nil
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, _requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000
  ))
end
