-- F18: two messages separated by ABORT; ABORT when idle; ABORT twice. No state crosses messages.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.conninfo(conn, "localhost", "127.0.0.1") ~= nil then fail("conninfo failed") end
mt.abort(conn)
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom failed") end
if mt.rcptto(conn, "<b@example.test>") ~= nil then fail("rcpt failed") end
mt.header(conn, "X-Test-Add", "X-First: 1")
if mt.eom(conn) ~= nil then fail("eom failed") end
if not mt.eom_check(conn, MT_HDRADD, "X-First") then fail("first message lacks its header") end
mt.abort(conn)
mt.abort(conn)
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom 2 failed") end
if mt.rcptto(conn, "<b@example.test>") ~= nil then fail("rcpt 2 failed") end
mt.header(conn, "Subject", "second")
if mt.eom(conn) ~= nil then fail("eom 2 failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom 2 reply") end
if mt.eom_check(conn, MT_HDRADD, "X-First") then fail("state leaked from the first message") end
mt.disconnect(conn)
