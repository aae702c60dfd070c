-- Lua half of the harness bridge: binary-safe framed messages between Lua and Node over the VM's stdin/stdout.
-- Lua -> Node: "<op> <args> <bloblen>\n<blob>" (fire and forget; a call then reads its answer from stdin).
-- Node -> Lua: numeric event frames read with read("*n"), so that delivering an event allocates nothing but its payload.
local write, read, stdout = io.write, io.read, io.stdout
local tostring, error = tostring, error
local traceback = debug.traceback
stdout:setvbuf("full", 65536)

local bridge = {}
local handlers = {}

function bridge.send(op, args, blob)
  if blob then
    write(op, " ", args, " ", #blob, "\n", blob)
  else
    write(op, " ", args, " 0\n")
  end
  stdout:flush()
end

-- A call whose answer is one number.
function bridge.callNumber(op, args, blob)
  bridge.send(op, args, blob)
  local n = read("*n")
  read(1)
  if n == nil then error("bridge: no answer to " .. op, 2) end
  return n
end

-- A call whose answer is a line of text.
function bridge.callLine(op, args, blob)
  bridge.send(op, args, blob)
  local line = read("*l")
  if line == nil then error("bridge: no answer to " .. op, 2) end
  return line
end

function bridge.readNumber()
  return read("*n")
end

function bridge.readLine()
  read(1)
  return read("*l")
end

-- Reads "<len>\n<bytes>" from an event frame.
function bridge.readBlob()
  local len = read("*n")
  read(1)
  if len == 0 then return "" end
  return read(len)
end

function bridge.on(kind, handler)
  handlers[kind] = handler
end

-- Node queues event frames "<kind> <id> ..." then calls __rc_pump; a kind of 0 ends the batch.
function __rc_pump()
  while true do
    local kind = read("*n")
    if kind == nil or kind == 0 then read(1) return end
    local id = read("*n")
    local h = handlers[kind]
    if h == nil then error("bridge: no handler for event kind " .. tostring(kind)) end
    h(id)
  end
end

function __rc_traceback(e)
  return traceback(tostring(e), 2)
end

return bridge
