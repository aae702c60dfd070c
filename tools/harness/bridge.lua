-- Lua half of the harness bridge: binary-safe framed messages between Lua and Node over the VM's stdin/stdout.
-- Lua -> Node: "<op> <args> <bloblen>\n<blob>" (fire and forget; a call then reads its answer from stdin).
-- Node -> Lua: numeric event frames read with read("*n"), so that delivering an event allocates nothing but its payload.
local write, read, stdout = io.write, io.read, io.stdout
local tostring, error = tostring, error
local traceback = debug.traceback
local sethook = debug.sethook
stdout:setvbuf("full", 65536)

local bridge = {}
local handlers = {}

-- Fixed arities so that a frame is written without building a string first (no allocation per call).
function bridge.send0(op, blob)
  if blob then write(op, " ", #blob, "\n", blob) else write(op, " 0\n") end
  stdout:flush()
end
function bridge.send1(op, a, blob)
  if blob then write(op, " ", a, " ", #blob, "\n", blob) else write(op, " ", a, " 0\n") end
  stdout:flush()
end
function bridge.send2(op, a, b, blob)
  if blob then write(op, " ", a, " ", b, " ", #blob, "\n", blob) else write(op, " ", a, " ", b, " 0\n") end
  stdout:flush()
end
function bridge.send3(op, a, b, c, blob)
  if blob then write(op, " ", a, " ", b, " ", c, " ", #blob, "\n", blob) else write(op, " ", a, " ", b, " ", c, " 0\n") end
  stdout:flush()
end
function bridge.send4(op, a, b, c, d, blob)
  if blob then write(op, " ", a, " ", b, " ", c, " ", d, " ", #blob, "\n", blob) else write(op, " ", a, " ", b, " ", c, " ", d, " 0\n") end
  stdout:flush()
end
bridge.send = bridge.send1

-- A call whose answer is one number.
function bridge.callNumber(op, args, blob)
  bridge.send1(op, args, blob)
  local n = read("*n")
  if n == nil then error("bridge: no answer to " .. op, 2) end
  return n
end

-- A call whose answer is a line of text.
function bridge.callLine(op, args, blob)
  bridge.send1(op, args, blob)
  local line = read("*l")
  if line == nil then error("bridge: no answer to " .. op, 2) end
  return line
end

function bridge.readNumber()
  return read("*n")
end

-- Ends an answer line; the empty string it returns is interned, so this allocates nothing.
function bridge.endLine()
  read("*l")
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

-- Node queues one event frame "<kind> <id> ..." then calls __rc_pump. One event per call: a handler may make
-- bridge calls, whose answers must not meet the rest of a batch in C's stdin buffer.
function __rc_pump()
  local kind = read("*n")
  local id = read("*n")
  local h = handlers[kind]
  if h == nil then error("bridge: no handler for event kind " .. tostring(kind)) end
  h(id)
end

-- After a failed pump the rest of its batch may sit in C's stdin buffer: read it all away.
function __rc_drain()
  read("*a")
end

function __rc_traceback(e)
  return traceback(tostring(e), 2)
end

-- Instruction counting for the board budget: a count hook every 100 VM instructions (hooks do not count themselves).
local hookTicks = 0
local function countHook() hookTicks = hookTicks + 1 end
function __rc_count_instructions(on)
  if on then hookTicks = 0 sethook(countHook, "", 100) else sethook() end
end
function __rc_instructions()
  return hookTicks * 100
end

-- Serialises plain Lua values to JSON for test drivers (arrays are tables with only 1..n keys).
local function json(v, depth)
  depth = depth or 0
  if depth > 40 then error("__rc_json: nesting too deep") end
  local t = type(v)
  if v == nil then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    if math.floor(v) == v and v > -2^53 and v < 2^53 then return string.format("%.0f", v) end
    return string.format("%.17g", v)
  end
  if t == "string" then
    return '"' .. v:gsub('[%c"\\\128-\255]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  end
  if t == "table" then
    local n = #v
    local count = 0
    for _ in pairs(v) do count = count + 1 end
    local parts = {}
    if count > 0 and count == n then
      for i = 1, n do parts[i] = json(v[i], depth + 1) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    for k, x in pairs(v) do
      if type(x) ~= "function" then parts[#parts + 1] = json(tostring(k)) .. ":" .. json(x, depth + 1) end
    end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return json(tostring(v))
end
__rc_json = function(v) return json(v) end

return bridge
