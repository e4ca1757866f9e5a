-- wrk script: GET the shortlist of a random open offer, authenticated by an API token.
-- Environment: PASSERELLE_TOKEN (the token), PASSERELLE_OFFERS (a file of offer ids, one per line).
local ids = {}
local token = os.getenv("PASSERELLE_TOKEN")

function init(args)
  for line in io.lines(os.getenv("PASSERELLE_OFFERS")) do
    ids[#ids + 1] = line
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/offers/" .. id .. "/shortlist", {
    ["Authorization"] = "Bearer " .. token,
  })
end

local statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("non-2xx or socket errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
