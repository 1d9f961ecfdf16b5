-- F1/F2: negotiation with Postfix's defaults and with a reduced offer.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
-- miltertest quirk (reference §5): negotiate(conn, ver, a3, a4) puts a3 in the protocol field.
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.negotiate(conn, nil, nil, nil) ~= nil then fail("negotiate failed") end
if not mt.test_option(conn, SMFIP_NR_HDR) then fail("NR_HDR not requested") end
if not mt.test_option(conn, SMFIP_HDR_LEADSPC) then fail("HDR_LEADSPC not requested") end
if not mt.test_action(conn, SMFIF_ADDHDRS) then fail("ADDHDRS not requested") end
if not mt.test_action(conn, SMFIF_CHGBODY) then fail("CHGBODY not requested") end
mt.disconnect(conn)

conn = mt.connect(socket)
if mt.negotiate(conn, 6, 0x7F, 0x3F) ~= nil then fail("reduced negotiate failed") end
if mt.test_option(conn, SMFIP_NR_HDR) then fail("NR_HDR claimed although not offered") end
if mt.test_option(conn, SMFIP_HDR_LEADSPC) then fail("HDR_LEADSPC claimed although not offered") end
if mt.conninfo(conn, "client.example.org", "192.0.2.10") ~= nil then fail("conninfo failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("conninfo reply") end
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("mailfrom reply") end
if mt.rcptto(conn, "<b@example.test>") ~= nil then fail("rcptto failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("rcptto reply") end
if mt.header(conn, "Subject", "reduced") ~= nil then fail("header failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("header reply (no NR_HDR: a reply is due)") end
if mt.eoh(conn) ~= nil then fail("eoh failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eoh reply") end
if mt.bodystring(conn, "body\r\n") ~= nil then fail("body failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("body reply") end
if mt.eom(conn) ~= nil then fail("eom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom reply") end
mt.disconnect(conn)
