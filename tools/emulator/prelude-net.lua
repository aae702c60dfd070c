-- NodeMCU emulator, Lua side (peripherals): net (UDP, TCP), eth, sdmmc, spi, gpio, encoder and bit over the bridge.
local bridge = require("__rc_bridge")
local emu = __emu
local K, protected = emu.K, emu.protected
local send0, send1, send2 = bridge.send0, bridge.send1, bridge.send2
local readNumber, readLine, readBlob, endLine = bridge.readNumber, bridge.readLine, bridge.readBlob, bridge.endLine
local type, error, setmetatable, tostring = type, error, setmetatable, tostring

-- A call answered "1 ..." on success or "0 <message>" on failure, which becomes a Lua error as on the board.
local function call(op, args, blob)
  if bridge.callNumber(op, args, blob) ~= 1 then error(readLine(), 3) end
end
local function dotted(ip)
  if type(ip) ~= "string" or not ip:match("^%d+%.%d+%.%d+%.%d+$") then error("invalid IP address", 3) end
end

-- net: UDP ------------------------------------------------------------------------------------------------------------
local udps, tcps = {}, {}
local Udp = {}
Udp.__index = Udp
function Udp:listen(port, ip)
  if self.id then error("already bound") end
  call("Uo", (port or 0), ip or "0.0.0.0")
  self.id, self.port = readNumber(), readNumber()
  endLine()
  udps[self.id] = self
end
function Udp:on(event, fn)
  if event ~= "receive" and event ~= "sent" and event ~= "dns" then error("invalid callback name") end
  self[event] = fn
end
function Udp:send(port, ip, data)
  dotted(ip)
  if type(data) ~= "string" or #data == 0 then error("no data to send") end
  if not self.id then self:listen(0) end
  call("UU", self.id .. " " .. port .. " " .. ip, data)
  endLine()
  -- NodeMCU runs the sent callback inside send, unprotected.
  if self.sent then self.sent(self) end
end
function Udp:getaddr() return self.port, "0.0.0.0" end
function Udp:close()
  if self.id then send1("Ux", self.id) udps[self.id] = nil self.id = nil end
end
bridge.on(K.udp, function(id)
  local port = readNumber()
  local ip = readLine()
  local data = readBlob()
  local s = udps[id]
  if s and s.receive then protected(s.receive, s, data, port, ip) end
end)

-- net: TCP server and connections ----------------------------------------------------------------------------------
local Conn = {}
Conn.__index = Conn
function Conn:on(event, fn) self[event] = fn end
function Conn:send(data, cb)
  if not self.id then error("not connected") end
  if type(data) ~= "string" then error("bad argument #1 to 'send' (string expected)") end
  if cb then self.sent = cb end
  call("Cw", self.id, data)
  endLine()
end
function Conn:close()
  if self.id then send1("Cc", self.id) tcps[self.id] = nil self.id = nil end
end
function Conn:getpeer() return self.peerPort, self.peerIp end

local Server = {}
Server.__index = Server
function Server:listen(port, ip, fn)
  if type(ip) == "function" then ip, fn = nil, ip end
  call("Sl", port or 0, ip or "0.0.0.0")
  self.id, self.port = readNumber(), readNumber()
  endLine()
  self.onconnect = fn
  tcps["s" .. self.id] = self
end
function Server:getaddr() return self.port, "0.0.0.0" end
function Server:close()
  if self.id then send1("Sc", self.id) tcps["s" .. self.id] = nil self.id = nil end
end
-- Data is raised at HIGH and its accept at MEDIUM, so a client that writes at once can overtake its own accept;
-- lwIP hands both over in order, so such data waits here until the accept has run (ids only grow).
local early, lastAccepted = {}, 0
bridge.on(K.accept, function(id)
  local connId, port = readNumber(), readNumber()
  local ip = readLine()
  local srv = tcps["s" .. id]
  local c = setmetatable({ id = connId, peerPort = port, peerIp = ip }, Conn)
  tcps[connId] = c
  lastAccepted = connId
  if srv and srv.onconnect then protected(srv.onconnect, c) else c:close() end
  local data = early[connId]
  early[connId] = nil
  if data and c.id and c.receive then protected(c.receive, c, data) end
end)
bridge.on(K.data, function(id)
  local data = readBlob()
  local c = tcps[id]
  if not c and id > lastAccepted then early[id] = (early[id] or "") .. data return end
  if c and c.receive then protected(c.receive, c, data) end
end)
bridge.on(K.sent, function(id)
  local c = tcps[id]
  if c and c.sent then protected(c.sent, c) end
end)
bridge.on(K.closed, function(id)
  local c = tcps[id]
  if not c then return end
  tcps[id] = nil
  c.id = nil
  if c.disconnection then protected(c.disconnection, c, 0) end
end)

net = {
  TCP = 1, UDP = 2,
  createUDPSocket = function() return setmetatable({}, Udp) end,
  createServer = function(kind, timeout)
    if kind ~= nil and kind ~= 1 then error("wrong arg type") end
    return setmetatable({}, Server)
  end,
  multicastJoin = function(ifIp, group) send0("Uj", group) end,
  multicastLeave = function() end,
}

-- eth: init and events; the Node side models PHY power, link and DHCP.
local ethFns = {}
eth = {
  PHY_DP83848 = 0, PHY_IP101 = 1, PHY_KSZ80XX = 2, PHY_KSZ8041 = 2, PHY_KSZ8081 = 2, PHY_LAN87XX = 3, PHY_LAN8720 = 3, PHY_RTL8201 = 4,
  init = function(cfg)
    if type(cfg) ~= "table" then error("bad argument #1 to 'init' (table expected)") end
    call("Ei", tostring(cfg.phy) .. " " .. tostring(cfg.addr or -1) .. " " .. tostring(cfg.mdc or -1) .. " " .. tostring(cfg.mdio or -1) .. " " .. tostring(cfg.power or -1))
    endLine()
  end,
  on = function(event, fn)
    local known = { start = true, stop = true, connected = true, disconnected = true, got_ip = true }
    if not known[event] then error("unknown event: " .. tostring(event)) end
    ethFns[event] = fn
  end,
  get_speed = function() return 100 end,
  get_mac = function() return "02:00:00:00:00:01" end,
}
bridge.on(K.eth, function()
  local name, ip, mask, gw = readLine():match("^(%S+)%s*(%S*)%s*(%S*)%s*(%S*)")
  local fn = ethFns[name]
  if fn then protected(fn, name, name == "got_ip" and { ip = ip, netmask = mask, gw = gw } or {}) end
end)

-- sdmmc and spi: slot checks and mounting are the Node side's (it knows the board wiring and the card folder).
local Card = {}
Card.__index = Card
function Card:mount(path, part)
  if part and part > 1 then error("invalid partition") end
  local r = bridge.callNumber("Dm", self.slot, path)
  if r < 0 then error(readLine()) end
  endLine()
  return r == 1
end
function Card:umount() send1("Du", self.slot) return true end
sdmmc = {
  HS1 = 0, HS2 = 1, SPI2 = 2, SPI3 = 3, HSPI = 2, VSPI = 3, W1BIT = 1, W4BIT = 4, W8BIT = 8,
  init = function(slot, cfg)
    cfg = cfg or {}
    call("Di", slot .. " " .. (cfg.cs_pin or -1) .. " " .. (cfg.width or 1) .. " " .. (cfg.fmax or 20000000))
    endLine()
    return setmetatable({ slot = slot }, Card)
  end,
}
spi = {
  SPI = 0, HSPI = 1, VSPI = 2,
  master = function(host, cfg, dma)
    if type(cfg) ~= "table" then error("bad argument #2 to 'master' (table expected)") end
    call("Sm", host .. " " .. (cfg.sclk or -1) .. " " .. (cfg.mosi or -1) .. " " .. (cfg.miso or -1))
    endLine()
    return { close = function() send1("Sf", host) end }
  end,
}

gpio = {
  OUT = 2, IN = 1, IN_OUT = 3, PULL_UP = 1, PULL_DOWN = 2, FLOATING = 0,
  config = function(cfg)
    local pins = type(cfg.gpio) == "table" and cfg.gpio or { cfg.gpio }
    for _, p in ipairs(pins) do send2("Gc", p, cfg.dir or 1) end
  end,
  write = function(pin, level) send2("Gw", pin, level) end,
  read = function(pin) local v = bridge.callNumber("Gr", pin) endLine() return v end,
}

-- encoder: done on the Node side, binary-safe both ways.
local function convert(op, s)
  if type(s) ~= "string" then error("bad argument #1 (string expected)", 3) end
  call(op, 0, s)
  return readBlob()
end
encoder = {
  toBase64 = function(s) return convert("E64", s) end,
  fromBase64 = function(s) return convert("D64", s) end,
  toHex = function(s) return convert("EHx", s) end,
  fromHex = function(s) return convert("DHx", s) end,
}

-- bit (for 5.1 builds, which have no bitwise operators): 32-bit operations done with arithmetic.
local function u32(x) return x % 4294967296 end
local function bitwise(a, b, keep)
  local r, m = 0, 1
  a, b = u32(a), u32(b)
  for _ = 1, 32 do
    local x, y = a % 2, b % 2
    if keep(x, y) then r = r + m end
    a, b, m = (a - x) / 2, (b - y) / 2, m * 2
  end
  return r
end
bit = {
  band = function(a, b) return bitwise(a, b, function(x, y) return x == 1 and y == 1 end) end,
  bor = function(a, b) return bitwise(a, b, function(x, y) return x == 1 or y == 1 end) end,
  bxor = function(a, b) return bitwise(a, b, function(x, y) return x ~= y end) end,
  bnot = function(a) return 4294967295 - u32(a) end,
  lshift = function(a, n) return u32(u32(a) * 2 ^ n) end,
  rshift = function(a, n) return math.floor(u32(a) / 2 ^ n) end,
}

return emu
