-- check.lua - Lua 5.4 from Debian's source, built with tools/mica-cc, on
-- Mica's C library (ports.scenario, docs/ports.md): the parts of the
-- language and its libraries that lean on the C library, as TAP lines.
local n = 0
local function ok(cond, what)
  n = n + 1
  print(string.format("lua: %s %d - %s", cond and "ok" or "not ok", n, what))
end

ok(7 // 2 == 3 and 7 / 2 == 3.5 and 2^10 == 1024.0, "integer and float arithmetic")
ok(math.maxinteger + 1 == math.mininteger, "64-bit integers wrap")
ok(string.format("%5.2f|%d|%x|%s|%q", math.pi, -42, 255, "s", "a\n") == " 3.14|-42|ff|s|\"a\\\n\"",
   "string.format (newlib's printf)")
ok(tonumber("0x10") == 16 and tonumber("1e3") == 1000.0 and tonumber("  12  ") == 12, "tonumber (strtod)")
ok(math.abs(math.sin(math.pi / 6) - 0.5) < 1e-12 and math.floor(-2.5) == -3 and math.sqrt(2) > 1.414,
   "libm: sin, floor, sqrt")
ok(("hello world"):gsub("o", "0") == "hell0 w0rld" and ("k=v"):match("(%w+)=(%w+)") == "k",
   "string patterns")
local t = {}
for i = 1, 1000 do t[i] = (i * 7919) % 1000 end
table.sort(t)
local sorted = true
for i = 2, #t do sorted = sorted and t[i - 1] <= t[i] end
ok(sorted and table.concat({1, 2, 3}, ",") == "1,2,3", "table.sort of 1,000 and table.concat")
local big = string.rep("x", 2 * 1024 * 1024)
ok(#big == 2 * 1024 * 1024, "a 2 MiB string (the heap grows)")
big = nil
collectgarbage()
ok(collectgarbage("count") < 4096, "the garbage collector gives it back")
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
ok(co(1) == 2 and co(5) == 10, "coroutines")
local okc, err = pcall(error, {code = 7})
ok(not okc and err.code == 7, "pcall and error (setjmp/longjmp)")
local mt = setmetatable({}, {__index = function(_, k) return k .. "!" end})
ok(mt.hi == "hi!", "metatables")
ok(string.pack and string.unpack("<i4", string.pack("<i4", -2)) == -2, "string.pack")
ok(utf8.len("h\u{e9}llo") == 5, "utf8")
ok(load("return 6 * 7")() == 42, "load")
local now = os.time()
ok(now > 1700000000, "os.time is the real date (the RTC)")
ok(os.date("!%Y-%m-%d", 0) == "1970-01-01", "os.date")
ok(type(os.clock()) == "number", "os.clock")
ok(os.getenv("MICA_PID") ~= nil and os.getenv("NO_SUCH_VARIABLE") == nil, "os.getenv")
local f = assert(io.open("/tmp/lua-check.txt", "w"))
for i = 1, 100 do f:write("line ", i, "\n") end
f:close()
local count, last = 0
for l in io.lines("/tmp/lua-check.txt") do count = count + 1; last = l end
ok(count == 100 and last == "line 100", "io: write a file, read its lines")
f = assert(io.open("/tmp/lua-check.txt", "r"))
ok(f:seek("end") == 792 and f:seek("set", 5) == 5 and f:read("n") == 1, "io: seek and read a number")
f:close()
ok(os.rename("/tmp/lua-check.txt", "/tmp/lua-moved.txt") and io.open("/tmp/lua-check.txt") == nil,
   "os.rename")
ok(os.remove("/tmp/lua-moved.txt") and not os.remove("/tmp/lua-moved.txt"), "os.remove, twice")
local none, msg = io.open("/no/such/file")
ok(none == nil and msg:find("No such file or directory", 1, true) ~= nil, "io.open of nothing: ENOENT's message")
local name = os.tmpname()
ok(type(name) == "string" and #name > 0, "os.tmpname")
os.remove(name)
print("lua: 1.." .. n)
