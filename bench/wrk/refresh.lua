-- Refresh-token grant: every request spends a different, single-use refresh token read
-- from BENCH_TOKENS (one per line); thread i of n uses lines i, i+n, i+2n, ...
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local tokens = {}
local next_index = nil

function init(args)
  local stride = tonumber(os.getenv("BENCH_THREADS"))
  tokens = thread_share(os.getenv("BENCH_TOKENS"), stride)
  next_index = 1
end

function request()
  local token = tokens[next_index] or "exhausted"
  next_index = next_index + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC"),
  }, "grant_type=refresh_token&refresh_token=" .. token)
end
