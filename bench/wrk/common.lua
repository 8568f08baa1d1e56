-- Shared by the bench scripts: stop a thread after BENCH_MAX_PER_THREAD responses, so
-- every run is bounded in count as well as in time (wrk -d).
local max_per_thread = tonumber(os.getenv("BENCH_MAX_PER_THREAD") or "100000")
local seen = 0

function response(status, headers, body)
  seen = seen + 1
  if seen >= max_per_thread then
    wrk.thread:stop()
  end
end

-- This thread's share of the lines of a file: thread i of n takes lines i, i+n, i+2n, ...
-- (its "tid" is set by the script's setup()).
function thread_share(path, stride)
  local share = {}
  local i = 0
  for line in io.lines(path) do
    if i % stride == tid then
      table.insert(share, line)
    end
    i = i + 1
  end
  return share
end
