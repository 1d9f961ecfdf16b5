-- F16: recipients added (plain and with ESMTP args) and deleted.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.conninfo(conn, "localhost", "127.0.0.1") ~= nil then fail("conninfo failed") end
mt.macro(conn, SMFIC_MAIL, "i", "MTQID0001")
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom failed") end
if mt.rcptto(conn, "<b@example.test>") ~= nil then fail("rcpt failed") end
if mt.rcptto(conn, "<gone@example.test>") ~= nil then fail("rcpt 2 failed") end
mt.header(conn, "X-Test-Add-Rcpt", "<added@example.test>")
mt.header(conn, "X-Test-Add-Rcpt", "<notify@example.test> NOTIFY=NEVER")
mt.header(conn, "X-Test-Del-Rcpt", "<gone@example.test>")
if mt.eoh(conn) ~= nil then fail("eoh failed") end
if mt.bodystring(conn, "body\r\n") ~= nil then fail("body failed") end
if mt.eom(conn) ~= nil then fail("eom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom reply") end
if not mt.eom_check(conn, MT_RCPTADD, "<added@example.test>") then fail("recipient not added") end
if not mt.eom_check(conn, MT_RCPTDELETE, "<gone@example.test>") then fail("recipient not deleted") end
mt.disconnect(conn)
