-- F16, F17: the envelope sender changed with RET=, the message quarantined, then exactly one final reply.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.conninfo(conn, "localhost", "127.0.0.1") ~= nil then fail("conninfo failed") end
mt.macro(conn, SMFIC_MAIL, "i", "MTQID0001")
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom failed") end
if mt.rcptto(conn, "<b@example.test>") ~= nil then fail("rcpt failed") end
if mt.rcptto(conn, "<gone@example.test>") ~= nil then fail("rcpt 2 failed") end
mt.header(conn, "X-Test-Chgfrom", "<bounce@example.test> RET=HDRS")
mt.header(conn, "X-Test-Quarantine", "held")
if mt.eoh(conn) ~= nil then fail("eoh failed") end
if mt.bodystring(conn, "body\r\n") ~= nil then fail("body failed") end
if mt.eom(conn) ~= nil then fail("eom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom reply") end
if not mt.eom_check(conn, MT_QUARANTINE) then fail("not quarantined") end
mt.disconnect(conn)
