-- mailfilterd's own negotiation (docs/milter.md): no CONNECT/HELO steps, no replies to headers, body,
-- end of headers, DATA, and (no whitelist policy configured) RCPT; header values exact. A whole transaction
-- still works and gets the trace header.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.negotiate(conn, nil, nil, nil) ~= nil then fail("negotiate failed") end
if not mt.test_option(conn, SMFIP_NOCONNECT) then fail("NOCONNECT not requested") end
if not mt.test_option(conn, SMFIP_NOHELO) then fail("NOHELO not requested") end
if not mt.test_option(conn, SMFIP_NR_HDR) then fail("NR_HDR not requested") end
if not mt.test_option(conn, SMFIP_NR_BODY) then fail("NR_BODY not requested") end
if not mt.test_option(conn, SMFIP_NR_RCPT) then fail("NR_RCPT not requested") end
if not mt.test_option(conn, SMFIP_HDR_LEADSPC) then fail("HDR_LEADSPC not requested") end
if not mt.test_action(conn, SMFIF_SETSYMLIST) then fail("SETSYMLIST not requested") end
mt.macro(conn, SMFIC_MAIL, "i", "PRODQID1", "{auth_authen}", "alice")
if mt.mailfrom(conn, "<alice@example.test>") ~= nil then fail("mailfrom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("mailfrom reply") end
if mt.rcptto(conn, "<bob@example.test>") ~= nil then fail("rcptto failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("rcptto reply") end
mt.header(conn, "From", "alice@example.test")
mt.header(conn, "Subject", "production negotiation")
if mt.eoh(conn) ~= nil then fail("eoh failed") end
if mt.bodystring(conn, "hello\r\n") ~= nil then fail("body failed") end
if mt.eom(conn) ~= nil then fail("eom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom reply") end
if not mt.eom_check(conn, MT_HDRINSERT, "X-MailFilter-Trace") then fail("no trace header") end
mt.disconnect(conn)
