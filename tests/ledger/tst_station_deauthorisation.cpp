// A kiosk the election authority deauthorised (record 0x17) at a running station: any kiosk of
// the district brings the authority's record; from then on the deauthorised kiosk's connection is
// closed at its next request and its new connections are refused at the handshake, with the
// reason reported, while the other kiosks keep casting. A deauthorisation the authority did not
// sign is refused and changes nothing.
#include <QtTest>

#include "psephos/election/authority.hpp"
#include "station_test_support.hpp"

using namespace psephos;
using namespace psephos::station;
using test::as;
using test::describe;

namespace {

Bytes deauthorisation(const test::Station& s, const std::string& district,
                      const std::string& device, const crypto::Ed25519PublicKey& key,
                      const crypto::Ed25519SigningKey& signer) {
    election::DeviceDeauthorisation d{district, device, key, 1'793'010'000, "screen smashed", {}};
    election::deauthorise_device(s.scenario.election().base_hash, d, signer);
    return election::encode_device_deauthorisation(d);
}

}  // namespace

class TestStationDeauthorisation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void a_deauthorised_kiosk_is_cut_off_and_refused_at_the_handshake() {
        test::Station s;
        auto first = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        auto second = s.welcomed(s.second_identity, "d1-kiosk-2");

        // Signed by the ledger's key, not the authority's: refused, d1-kiosk-2 still served.
        auto forged = first->request(
            Submit{2, deauthorisation(s, "d1", "d1-kiosk-2", s.second_key.public_key(),
                                      test::LedgerScenario::ledger_key().master())});
        QVERIFY2(as<ErrorReply>(forged) && as<ErrorReply>(forged)->code == ReplyCode::refused,
                 describe(forged).c_str());
        QVERIFY2(as<ErrorReply>(forged)->text.find("did not sign it") != std::string::npos,
                 as<ErrorReply>(forged)->text.c_str());
        QVERIFY(!s.ledger->casting().device_deauthorised(0, "d1-kiosk-2"));
        QVERIFY(as<Pong>(second->request(Ping{3, 3})) != nullptr);

        // Of d2's kiosk, over a d1 connection: not this connection's district.
        auto other = first->request(
            Submit{4, deauthorisation(s, "d2", "d2-kiosk-1", s.scenario.kiosk(1).key.public_key(),
                                      test::LedgerScenario::authority_key())});
        QVERIFY2(as<ErrorReply>(other) && as<ErrorReply>(other)->code == ReplyCode::refused,
                 describe(other).c_str());

        // The authority's record, brought by d1-kiosk-1 (a poll worker at another kiosk).
        auto recorded = first->request(
            Submit{5, deauthorisation(s, "d1", "d1-kiosk-2", s.second_key.public_key(),
                                      test::LedgerScenario::authority_key())});
        QVERIFY2(as<Receipt>(recorded) != nullptr, describe(recorded).c_str());
        QVERIFY(s.ledger->casting().device_deauthorised(0, "d1-kiosk-2"));

        // The connected d1-kiosk-2 is answered not_authorised at its next request, then closed.
        auto stale = second->request(Ping{6, 6});  // a ping is still answered
        QVERIFY(as<Pong>(stale) != nullptr);
        auto ballot = second->request(Submit{7, Bytes{0x02, 0x01}});
        const auto* cut = as<ErrorReply>(ballot);
        QVERIFY2(cut && cut->code == ReplyCode::not_authorised, describe(ballot).c_str());
        QVERIFY2(cut->text.find("deauthorised by the election authority") != std::string::npos,
                 cut->text.c_str());
        QVERIFY(!second->receive().ok());  // closed

        // A new connection: refused right after the handshake, the reason reported.
        auto again = s.connect(&s.second_identity);
        QVERIFY2(again.ok(), again ? "" : again.error().message.c_str());
        auto answer = again.value()->receive();
        QVERIFY2(
            as<ErrorReply>(answer) && as<ErrorReply>(answer)->code == ReplyCode::not_authorised,
            describe(answer).c_str());
        QVERIFY(s.refused_with("device 'd1-kiosk-2' was deauthorised by the election authority"));

        // d1-kiosk-1 casts on.
        auto cast =
            first->request(Submit{8, election::encode_ballot(s.scenario.next_ballot(0, 0).ballot)});
        QVERIFY2(as<Receipt>(cast) != nullptr, describe(cast).c_str());
    }
};

QTEST_GUILESS_MAIN(TestStationDeauthorisation)
#include "tst_station_deauthorisation.moc"
