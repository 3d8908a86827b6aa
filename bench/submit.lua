-- wrk script: POST a valid cx-core submission with a fresh UUID v4 each request.
local template = '{"submission_id":"%s","service":"demo-roma-anagrafe","questionnaire":"cx-core","version":1,' ..
  '"lang":"it","channel":"web","answers":{"satisfaction":%d,"ease":4,"clarity":5,"speed":3,"trust":4,"task":"yes",%s' ..
  '"comment":"Servizio comodo, grazie"},"context":{"page":"/certificati"}}'
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local function uuid4()
  return string.format("%08x-%04x-4%03x-%x%03x-%012x", math.random(0, 0xffffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), math.random(8, 11), math.random(0, 0xfff), math.random(0, 0xffffffffffff))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = "http://localhost"  -- bench/common.py BENCH_ORIGIN: a browser's post carries it
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) bench"
request = function()
  local s = math.random(1, 5)
  local extra = s > 3 and '"went_well":["clarity"],' or '"went_wrong":["speed"],'
  return wrk.format(nil, nil, nil, string.format(template, uuid4(), s, extra))
end
done = function(summary, latency, requests)
  local codes = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d connect_err=%d timeouts=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, codes.status, codes.connect, codes.timeout,
    latency:percentile(50), latency:percentile(99)))
end
