-- F8: three recipients, the second refused with a REPLYCODE carrying a doubled percent sign;
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
-- F27 (milter side): a refused sender gets exactly "550 5.7.1 Sender rejected".
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.conninfo(conn, "localhost", "127.0.0.1") ~= nil then fail("conninfo failed") end
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("mailfrom reply") end
if mt.rcptto(conn, "<one@example.test>") ~= nil then fail("rcpt 1 failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("rcpt 1 reply") end
if mt.rcptto(conn, "<reject@example.test>") ~= nil then fail("rcpt 2 failed") end
if mt.getreply(conn) ~= SMFIR_REPLYCODE then fail("rcpt 2 should get a REPLYCODE") end
if mt.rcptto(conn, "<three@example.test>") ~= nil then fail("rcpt 3 failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("rcpt 3 reply") end
if mt.header(conn, "From", "a@example.test") ~= nil then fail("header failed") end
if mt.eom(conn) ~= nil then fail("eom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom reply") end
mt.abort(conn)
if mt.mailfrom(conn, "<rejectsender@example.test>") ~= nil then fail("mailfrom 2 failed") end
if mt.getreply(conn) ~= SMFIR_REPLYCODE then fail("refused sender should get a REPLYCODE") end
mt.disconnect(conn)
