-- GET with a different bearer token per request, read from BENCH_TOKENS (one per line);
-- thread i of n uses lines i, i+n, i+2n, ..., from BENCH_OFFSET on (the requests earlier
-- runs made, so that no run repeats their tokens), and starts over at the end of its share.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local tokens = {}
local next_index = 1

function init(args)
  local stride = tonumber(os.getenv("BENCH_THREADS"))
  tokens = thread_share(os.getenv("BENCH_TOKENS"), stride)
  next_index = math.floor(tonumber(os.getenv("BENCH_OFFSET") or "0") / stride) % #tokens + 1
end

function request()
  local token = tokens[next_index]
  next_index = next_index % #tokens + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token })
end
