-- ringcast boot selector (uploaded by `ringcast flash`): starts the newest complete file set, unless safe mode is asked for.
-- The flash tool writes a set's files as "<slot>.<name>" (slot A or B) and its manifest "<slot>.man" last, after every
-- file was verified on the board, so an interrupted flash leaves the previous set bootable. Safe mode (a key on the
-- console within WINDOW_MS, or a file "safe" on SPIFFS) skips autostart so that a broken firmware can always be replaced.
local WINDOW_MS = 1000

local function size(name)
  local f = io.open(name, "rb")
  if not f then return nil end
  local n = f:seek("end")
  f:close()
  return n
end

-- A set counts only if its manifest loads, says it is done, and every file it lists has the listed size.
local function manifest(slot)
  local chunk = loadfile(slot .. ".man")
  if not chunk then return nil end
  local ok, m = pcall(chunk)
  if not ok or type(m) ~= "table" or m.done ~= true or type(m.files) ~= "table" or type(m.gen) ~= "number" then return nil end
  for name, bytes in pairs(m.files) do
    if size(slot .. "." .. name) ~= bytes then return nil end
  end
  return m
end

local function pick()
  local a, b = manifest("A"), manifest("B")
  if a and (not b or a.gen > b.gen) then return "A", a end
  if b then return "B", b end
  return nil
end

local function run(slot, m)
  -- Modules resolve to the set's files, so the bundle's require("board") finds this set's board.lua.
  for name in pairs(m.files) do
    local mod = (name:gsub("%.lua$", "")):gsub("/", ".")
    package.preload[mod] = function(...) return assert(loadfile(slot .. "." .. name))(...) end
  end
  assert(loadfile(slot .. "." .. m.entry))()
end

local function start()
  local slot, m = pick()
  if not slot then
    print("ringcast: no complete firmware set on SPIFFS: flash one with 'ringcast flash'")
    return
  end
  print("ringcast: starting set " .. slot .. " (generation " .. tostring(m.gen) .. ")")
  -- A failure at start is reported and leaves the REPL up: an error in a callback would reboot into a loop.
  local ok, err = pcall(run, slot, m)
  if not ok then print("ringcast: firmware failed to start: " .. tostring(err)) end
end

if file.exists("safe") then
  print("ringcast: safe mode (file 'safe' on SPIFFS): firmware not started")
  return
end

local window = tmr.create()
local decided = false
print("ringcast: press any key within " .. WINDOW_MS .. " ms for safe mode")
-- run_input 0: console bytes come here instead of the REPL until the window closes.
uart.on("data", 1, function()
  if decided then return end
  decided = true
  window:unregister()
  uart.on("data")
  print("ringcast: safe mode (key pressed): firmware not started")
end, 0)
window:alarm(WINDOW_MS, tmr.ALARM_SINGLE, function()
  if decided then return end
  decided = true
  uart.on("data")
  start()
end)
