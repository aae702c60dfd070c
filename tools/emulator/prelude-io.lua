-- NodeMCU emulator, Lua side (files): io.open over SPIFFS names and /SD0/..., the file module, loadfile/dofile/require.
local bridge = require("__rc_bridge")
local emu = __emu
local send0, send1 = bridge.send0, bridge.send1
local readNumber, readLine, endLine = bridge.readNumber, bridge.readLine, bridge.endLine
local loadstr = loadstring or load
local select, type, error, setmetatable, tostring = select, type, error, setmetatable, tostring

-- Answers "<n>\n" where n < 0 means failure followed by " <errno> <message>".
local function failure()
  local errno = readNumber()
  local msg = readLine()
  return nil, msg, errno
end

local File = {}
File.__index = File
File.__name = "FILE*"
function File:__tostring() return self.id and ("file (" .. self.id .. ")") or "file (closed)" end

local function readOne(self, fmt)
  local code
  if type(fmt) == "number" then code = fmt
  elseif fmt == "*a" or fmt == "a" then code = -2
  elseif fmt == "*l" or fmt == "l" or fmt == nil then code = -3
  else error("bad argument #1 to 'read' (invalid format)") end
  -- Answer: "-1" at end of file, or "1" followed by a "<len>\n<bytes>" blob.
  if bridge.callNumber("Fr", self.id .. " " .. code) < 0 then endLine() return nil end
  return bridge.readBlob()
end

function File:read(...)
  if not self.id then error("attempt to use a closed file") end
  local n = select("#", ...)
  if n == 0 then return readOne(self, "*l") end
  local results = {}
  for i = 1, n do
    results[i] = readOne(self, (select(i, ...)))
    if results[i] == nil then return (unpack or table.unpack)(results, 1, i) end
  end
  return (unpack or table.unpack)(results, 1, n)
end

function File:write(...)
  if not self.id then error("attempt to use a closed file") end
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) == "number" then v = tostring(v) end
    if type(v) ~= "string" then error("bad argument #" .. i .. " to 'write' (string expected, got " .. type(v) .. ")") end
    if bridge.callNumber("Fw", self.id, v) ~= 1 then return failure() end
    endLine()
  end
  return self
end

function File:seek(whence, offset)
  if not self.id then error("attempt to use a closed file") end
  local codes = { set = 0, cur = 1, ["end"] = 2 }
  local code = codes[whence or "cur"]
  if not code then error("bad argument #1 to 'seek' (invalid option '" .. tostring(whence) .. "')") end
  local pos = bridge.callNumber("Fs", self.id .. " " .. code .. " " .. (offset or 0))
  if pos < 0 then return failure() end
  endLine()
  return pos
end

function File:close()
  if not self.id then error("attempt to use a closed file") end
  send1("Fc", self.id)
  self.id = nil
  return true
end
function File:flush() return self end
function File:setvbuf() return true end

io = {
  open = function(path, mode)
    if type(path) ~= "string" then error("bad argument #1 to 'open' (string expected)") end
    mode = mode or "r"
    if not mode:match("^[rwa]%+?b?$") then error("bad argument #2 to 'open' (invalid mode)") end
    local id = bridge.callNumber("Fo", mode, path)
    if id < 0 then local _, msg, errno = failure() return nil, path .. ": " .. msg, errno end
    endLine()
    return setmetatable({ id = id }, File)
  end,
  write = function(...)
    for i = 1, select("#", ...) do emu.out(tostring((select(i, ...)))) end
  end,
  read = function() return nil end,
}

local function yes(op, blob)
  local r = bridge.callNumber(op, 0, blob)
  endLine()
  return r == 1
end

file = {
  exists = function(path) return yes("Fx", path) end,
  remove = function(path) yes("Fd", path) end,
  rename = function(a, b) return yes("Fn", a .. "\0" .. b) end,
  list = function(dir)
    local n = bridge.callNumber("FL", 0, dir or "")
    endLine()
    if n < 0 then return nil end
    local result = {}
    for _ = 1, n do
      local name = bridge.readBlob()
      result[name] = readNumber()
      endLine()
    end
    return result
  end,
  fsinfo = function()
    local remaining = bridge.callNumber("Fi", 0)
    local used, total = readNumber(), readNumber()
    endLine()
    return remaining, used, total
  end,
}

function loadfile(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, "cannot open " .. tostring(path) end
  local content = f:read("*a") or ""
  f:close()
  return loadstr(content, "@" .. path)
end
function dofile(path)
  local fn, err = loadfile(path)
  if not fn then error(err, 2) end
  return fn()
end

-- require finds "<name>.lua" on SPIFFS, as the board's package.path does.
local searchers = package.searchers or package.loaders
searchers[2] = function(name)
  local path = (name:gsub("%.", "/")) .. ".lua"
  local fn, err = loadfile(path)
  if fn then return fn end
  return "\n\tno file '" .. path .. "'" .. (err and err:match("^cannot") and "" or (" (" .. tostring(err) .. ")"))
end

return emu
