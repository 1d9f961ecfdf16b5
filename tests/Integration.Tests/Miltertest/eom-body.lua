-- F11, F15: a 200,000-byte random body in chunks; the body replaced (exact content checked).
-- miltertest 1.6.0 reads every reply into a 1,024-byte stack buffer (mt_eom), so a REPLBODY packet over
-- that size crashes it: the 150 KB multi-packet replacement is checked by our own client and by real
-- Postfix (tests MilterSessionTests, PostfixEditTests) instead.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.conninfo(conn, "localhost", "127.0.0.1") ~= nil then fail("conninfo failed") end
mt.macro(conn, SMFIC_MAIL, "i", "MTQID0001")
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom failed") end
if mt.rcptto(conn, "<b@example.test>") ~= nil then fail("rcpt failed") end
if mt.rcptto(conn, "<gone@example.test>") ~= nil then fail("rcpt 2 failed") end
mt.header(conn, "X-Test-Body", "10")
if mt.eoh(conn) ~= nil then fail("eoh failed") end
if mt.bodyrandom(conn, 200000) ~= nil then fail("bodyrandom failed") end
if mt.eom(conn) ~= nil then fail("eom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom reply") end
if not mt.eom_check(conn, MT_BODYCHANGE) then fail("body not replaced") end
if not mt.eom_check(conn, MT_BODYCHANGE, "000000 the quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n") then fail("body replaced with other content") end
mt.disconnect(conn)
