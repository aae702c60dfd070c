-- NodeMCU emulator, Lua side (core): console, errors, REPL, node, tmr, uart, file and io over the harness bridge.
-- The Node side (tools/emulator/board.ts) answers each call; events arrive through __rc_pump with the kinds below.
local bridge = require("__rc_bridge")
local send0, send1, send2, send3 = bridge.send0, bridge.send1, bridge.send2, bridge.send3
local readNumber, readLine, readBlob, endLine = bridge.readNumber, bridge.readLine, bridge.readBlob, bridge.endLine
local loadstr = loadstring or load
local traceback = debug.traceback
local select, tostring, type, pairs, setmetatable, error = select, tostring, type, pairs, setmetatable, error
local emu = {}
__emu = emu
local V53 = _VERSION == "Lua 5.3"
local unpack = unpack or table.unpack
local function pack(...) return { n = select("#", ...), ... } end
-- NodeMCU's 5.3 keeps these 5.1 names as shims.
_G.unpack, _G.loadstring = unpack, loadstr

-- Console: everything the board writes goes to the UART through one operation.
local function out(s) send0("P", s) end
emu.out = out
function print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  out(table.concat(parts, "\t") .. "\n")
end

-- Errors in callbacks: NodeMCU calls the onerror handler (default: print, then restart after 2 s).
local onerror
local function defaultOnError(msg)
  print(msg)
  send1("R", 2000)
end
function emu.protected(fn, ...)
  local n, args = select("#", ...), { ... }
  local ok, err = xpcall(function() return fn(unpack(args, 1, n)) end,
    function(e) return traceback(tostring(e), 2) end)
  if not ok then (onerror or defaultOnError)(err) end
end
local protected = emu.protected

-- Events from Node: one handler per kind, each reads its own frame.
local K = { timer = 1, udp = 2, accept = 3, data = 4, sent = 5, closed = 6, eth = 7, uart = 8, task = 9, line = 10, boot = 11 }
emu.K = K
emu.on = bridge.on

-- node --------------------------------------------------------------------------------------------------------------
local tasks, nextTask = {}, 1
node = {
  uptime = function()
    local low = bridge.callNumber("Nu", 0)
    local high = readNumber()
    endLine()
    if V53 then low = low + 0.0 end -- the board pushes the count with lua_pushnumber: a float
    return low, high
  end,
  heap = function() local h = bridge.callNumber("Nh", math.floor(collectgarbage("count") * 1024)) endLine() return h end,
  restart = function() send0("Nr") end,
  chipid = function() return "0x1818fe346a88" end,
  setonerror = function(fn) onerror = type(fn) == "function" and fn or nil end,
  input = function(s) send0("Ni", s) end,
  task = {
    LOW_PRIORITY = 0, MEDIUM_PRIORITY = 1, HIGH_PRIORITY = 2,
    post = function(prio, fn)
      if type(prio) == "function" then prio, fn = 1, prio end
      if type(fn) ~= "function" then error("invalid function") end
      local id = nextTask
      nextTask = nextTask + 1
      tasks[id] = fn
      if bridge.callNumber("Kp", id .. " " .. prio) ~= 1 then endLine() tasks[id] = nil error("Task queue overflow. Task not posted") end
      endLine()
    end,
  },
}
bridge.on(K.task, function(id)
  local prio = readNumber()
  local fn = tasks[id]
  tasks[id] = nil
  if fn then protected(fn, prio) end
end)

-- tmr -----------------------------------------------------------------------------------------------------------------
local timers, nextTimer = {}, 1
local Timer = {}
Timer.__index = Timer
local function checkMs(ms)
  if type(ms) ~= "number" or ms < 1 or ms > 6870947 then error("wrong arg range") end
end
function Timer:register(ms, mode, fn)
  checkMs(ms)
  if type(fn) ~= "function" then error("bad argument #4 to 'register' (function expected)") end
  if self.running then self:stop() end
  self.ms, self.mode, self.fn = ms, mode, fn
end
function Timer:start()
  if not self.fn then error("timer not registered") end
  if self.running then return false end
  local ok = bridge.callNumber("Ta", self.id .. " " .. self.ms .. " " .. self.mode)
  if ok ~= 1 then local msg = readLine() error(msg) end
  endLine()
  self.running = true
  timers[self.id] = self
  return true
end
function Timer:alarm(ms, mode, fn) self:register(ms, mode, fn) return self:start() end
function Timer:stop()
  if not self.running then return false end
  send1("Ts", self.id)
  self.running = false
  return true
end
function Timer:unregister() self:stop() self.fn = nil timers[self.id] = nil end
function Timer:interval(ms)
  checkMs(ms)
  self.ms = ms
  if self.running then self:stop() self:start() end
end
function Timer:state()
  if not self.fn then return nil end
  return self.running, self.mode
end
tmr = {
  ALARM_SINGLE = 0, ALARM_AUTO = 1, ALARM_SEMI = 2,
  create = function()
    local t = setmetatable({ id = nextTimer, running = false }, Timer)
    nextTimer = nextTimer + 1
    return t
  end,
  wdclr = function() end,
}
bridge.on(K.timer, function(id)
  local t = timers[id]
  if not t or not t.running then return end
  local fn = t.fn
  -- A single alarm is spent once it fires (and SEMI waits for start()); AUTO keeps running on the Node side.
  if t.mode ~= tmr.ALARM_AUTO then t.running = false end
  if t.mode == tmr.ALARM_SINGLE then t.fn = nil timers[id] = nil end
  protected(fn, t)
end)

-- uart: the console. With run_input 0 the bytes go to the callback instead of the REPL.
local uartFn
uart = {
  STOPBITS_1 = 1, STOPBITS_1_5 = 2, STOPBITS_2 = 3, PARITY_NONE = 0, PARITY_EVEN = 1, PARITY_ODD = 2,
  setup = function(id, baud, databits, parity, stopbits, echo)
    send2("Xs", baud, echo == nil and -1 or echo)
    return baud
  end,
  write = function(id, ...)
    for i = 1, select("#", ...) do
      local v = select(i, ...)
      out(type(v) == "number" and string.char(v) or v)
    end
  end,
  on = function(a, b, c, d, e)
    if type(a) == "number" then a, b, c, d = b, c, d, e end
    if a ~= "data" then error("method not supported") end
    local need, endChar, fn, run = 0, "", nil, 1
    if type(b) == "number" then need = b elseif type(b) == "string" then endChar = b end
    if type(b) == "function" then fn, run = b, c elseif type(c) == "function" then fn, run = c, d end
    uartFn = fn
    send3("Xo", fn and 1 or 0, need, run == 0 and 0 or 1, endChar)
  end,
}
bridge.on(K.uart, function()
  local data = readBlob()
  if uartFn then protected(uartFn, data) end
end)

-- REPL: lua.c's dojob, fed one line per LOW task.
local pending
local function eofMark(msg) return msg:sub(-7) == "'<eof>'" or msg:sub(-5) == "<eof>" end
local function dojob(line)
  local chunk
  if pending then chunk = pending .. "\n" .. line
  elseif line:sub(1, 1) == "=" then chunk = "return " .. line:sub(2)
  else chunk = line end
  local fn, err = loadstr(chunk, "=stdin")
  if not fn and eofMark(err) then
    pending = chunk
  else
    pending = nil
    if fn then
      local res = pack(xpcall(fn, function(e) return traceback(tostring(e), 2) end))
      if res[1] then
        if res.n > 1 then print(unpack(res, 2, res.n)) end
      else
        err = res[2]
        fn = nil
      end
    end
    if not fn then print("Lua error: ", err) end
  end
  local prompt = pending and (_PROMPT2 or ">> ") or (_PROMPT or "> ")
  send1("Pr", pending and 2 or 1, prompt)
end
bridge.on(K.line, function() dojob(readBlob()) end)

return emu
