// The election authority withdraws a lost or stolen kiosk (record 0x17, docs/encoding.md §12.1):
// the record needs the authority's signature, the ledger refuses the device from then on (and
// still after a restart), the closing carries no head for it, and the verifier checks the same
// rules in an exported record, where an operator holding the ledger key cannot move the
// device's ballot after its deauthorisation or forge one.
#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/tally_recomputation.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"
#include "record_resign_support.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using namespace psephos::election;
using namespace psephos::ledger;
using test::checked;
namespace fs = std::filesystem;

namespace {

constexpr std::uint8_t second_kiosk_tag = 0x52;
const std::string second_kiosk = "d1-kiosk-2";

// A second kiosk of district d1, beside the scenario's own, that casts its own chain.
struct SecondKiosk {
    crypto::Ed25519SigningKey key = test::seeded_key(second_kiosk_tag);
    Hash32 chain;
    std::uint64_t ballots = 0;

    explicit SecondKiosk(const ElectionContext& election)
        : chain(initial_tracking_code(election.base_hash, second_kiosk)) {}

    Bytes registration(const test::LedgerScenario& s) const {
        return encode_device_registration(
            s.authorised({"d1", second_kiosk, key.public_key(), 1'793'000'000, {}}));
    }
    Bytes next_cast(const test::LedgerScenario& s) {
        auto prepared = checked(encrypt_ballot(s.election(),
                                               {second_kiosk + "-b" + std::to_string(ballots),
                                                second_kiosk, "d1", s.ballot_time, chain},
                                               {{"mayor", {"grace"}}, {"measure-a", {"no"}}}, key),
                                "encrypt");
        chain = prepared.tracking_code;
        ++ballots;
        return encode_ballot(prepared.ballot);
    }
};

DeviceDeauthorisation deauthorisation_of(const test::LedgerScenario& s,
                                         const crypto::Ed25519PublicKey& key,
                                         const crypto::Ed25519SigningKey& signer) {
    DeviceDeauthorisation d{"d1", second_kiosk, key, 1'793'010'000, "reported stolen at 10:05", {}};
    deauthorise_device(s.election().base_hash, d, signer);
    return d;
}

std::unique_ptr<Ledger> create_ledger(const fs::path& dir, const test::LedgerScenario& s) {
    return checked(Ledger::create(test::options_in(dir), s.election(), s.approval(),
                                  test::LedgerScenario::ledger_key()),
                   "create");
}

// Registers both kiosks of d1 and d2's kiosk, opens both districts, and casts one ballot from
// each kiosk of d1.
void open_day(Ledger& ledger, test::LedgerScenario& s, SecondKiosk& second) {
    test::require_all_ok(
        ledger.ingest({s.registration(0), second.registration(s), s.polls(PollsAction::opened, 0),
                       s.registration(1), s.polls(PollsAction::opened, 1)}));
    test::require_all_ok(ledger.ingest({s.next_cast(0, 0), second.next_cast(s)}));
}

void refused_with(Ledger& ledger, const Bytes& record, const std::string& reason) {
    auto r = ledger.submit(record).get();
    QVERIFY2(!r, ("accepted, expected: " + reason).c_str());
    QVERIFY2(r.error().message.find(reason) != std::string::npos, r.error().message.c_str());
}

std::string failures_of(const verifier::VerifyReport& report, const std::string& id) {
    std::string out;
    for (const auto& c : report.checks)
        if (c.id == id)
            for (const auto& f : c.failures) out += f + "\n";
    return out;
}

}  // namespace

class TestDeauthorisation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void record_round_trips_and_needs_the_authoritys_signature() {
        test::LedgerScenario s;
        const Hash32& base = s.election().base_hash;
        const auto authority = test::LedgerScenario::authority_key();
        const DeviceDeauthorisation d =
            deauthorisation_of(s, test::seeded_key(second_kiosk_tag).public_key(), authority);
        const Bytes record = encode_device_deauthorisation(d);
        QCOMPARE(record.front(), std::uint8_t{0x17});
        const DeviceDeauthorisation back = checked(decode_device_deauthorisation(record), "decode");
        QVERIFY(back == d);
        QVERIFY(verify_device_deauthorisation(base, back, authority.public_key()));
        // One byte changed anywhere: it no longer decodes, or no longer verifies.
        for (std::size_t i = 0; i < record.size(); ++i) {
            Bytes changed = record;
            changed[i] ^= 0x01;
            auto decoded = decode_device_deauthorisation(changed);
            QVERIFY2(!decoded || !verify_device_deauthorisation(base, decoded.value(),
                                                                authority.public_key()),
                     ("byte " + std::to_string(i)).c_str());
        }
        // Signed by another key (the ledger's): not the authority's.
        const auto forged =
            deauthorisation_of(s, d.device_key, test::LedgerScenario::ledger_key().master());
        auto refused = verify_device_deauthorisation(base, forged, authority.public_key());
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("did not sign it") != std::string::npos,
                 refused.error().message.c_str());
        // For another election: the base hash is in what is signed.
        Hash32 other = base;
        other.bytes[0] ^= 1;
        QVERIFY(!verify_device_deauthorisation(other, d, authority.public_key()));
        // A reason is one line of text, never empty.
        DeviceDeauthorisation bad = d;
        bad.reason = "stolen\n\x1b[2J";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_device_deauthorisation(bad));
        bad.reason.clear();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_device_deauthorisation(bad));
    }

    void ledger_refuses_the_device_from_its_deauthorisation_on() {
        test::LedgerScenario s;
        SecondKiosk second(s.election());
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        const auto authority = test::LedgerScenario::authority_key();
        {
            auto ledger = create_ledger(root, s);
            open_day(*ledger, s, second);
            // Forged (the ledger's key, not the authority's), of another key, of no device.
            refused_with(
                *ledger,
                encode_device_deauthorisation(deauthorisation_of(
                    s, second.key.public_key(), test::LedgerScenario::ledger_key().master())),
                "did not sign it");
            refused_with(*ledger,
                         encode_device_deauthorisation(
                             deauthorisation_of(s, s.kiosk(0).key.public_key(), authority)),
                         "the device is registered with");
            DeviceDeauthorisation unknown{"d1",          "d1-kiosk-9", second.key.public_key(),
                                          1'793'010'000, "lost",       {}};
            deauthorise_device(s.election().base_hash, unknown, authority);
            refused_with(*ledger, encode_device_deauthorisation(unknown),
                         "no such device is registered");
            QVERIFY(!ledger->casting().device_deauthorised(0, second_kiosk));

            const Bytes deauthorisation = encode_device_deauthorisation(
                deauthorisation_of(s, second.key.public_key(), authority));
            auto accepted = ledger->submit(deauthorisation, ActorRole::election_official).get();
            QVERIFY2(accepted, accepted ? "" : accepted.error().message.c_str());
            QVERIFY(ledger->casting().device_deauthorised(0, second_kiosk));
            QVERIFY(!ledger->casting().device_deauthorised(0, s.kiosk(0).device_id));
            refused_with(*ledger, deauthorisation, "already deauthorised");
            // Its next ballot, its polls records: refused; the other kiosk goes on.
            refused_with(*ledger, second.next_cast(s),
                         "was deauthorised by the election authority");
            PollsRecord pause{PollsAction::paused,
                              "d1",
                              1'793'020'000,
                              2,
                              0,
                              "poll worker",
                              second_kiosk,
                              {},
                              {}};
            sign_polls_record(s.election().base_hash, pause, second.key);
            refused_with(*ledger, encode_polls_record(pause), "was deauthorised");
            QVERIFY(ledger->submit(s.next_cast(0, 1)).get());
            QCOMPARE(ledger->casting().status(0).ballots_cast, std::uint64_t{3});

            // The event log names it, with the reason.
            bool logged = false;
            const std::uint64_t n = ledger->status(event_log_name).value().size;
            for (std::uint64_t i = 0; i < n; ++i) {
                const LedgerEvent e =
                    decode_ledger_event(ledger->record(event_log_name, i).value()).value();
                logged = logged || (e.type == EventType::device_deauthorised &&
                                    e.subject.find("reported stolen") != std::string::npos);
            }
            QVERIFY(logged);
        }
        // After a restart the log is replayed: still refused, and the closing carries d1's one
        // remaining head (a closing naming the deauthorised device's head is refused).
        auto ledger = checked(
            Ledger::open(test::options_in(root), test::LedgerScenario::ledger_key()), "reopen");
        QVERIFY(ledger->casting().device_deauthorised(0, second_kiosk));
        refused_with(*ledger, second.next_cast(s), "was deauthorised");
        PollsRecord both{PollsAction::closed,
                         "d1",
                         1'793'040'000,
                         3,
                         0,
                         "poll worker",
                         s.kiosk(0).device_id,
                         {},
                         {}};
        both.heads = {sign_device_head(s.election().base_hash, "d1", s.kiosk(0).device_id,
                                       s.kiosk(0).ballots, s.kiosk(0).chain_head, s.kiosk(0).key),
                      sign_device_head(s.election().base_hash, "d1", second_kiosk, 1, second.chain,
                                       second.key)};
        sign_polls_record(s.election().base_hash, both, s.kiosk(0).key);
        refused_with(*ledger, encode_polls_record(both), "the registered devices are 'd1-kiosk-1'");
        checked(ledger->close_all_polls(s.closings(*ledger)), "close");
        // After the close a deauthorisation changes nothing: refused.
        DeviceDeauthorisation late = deauthorisation_of(s, s.kiosk(0).key.public_key(), authority);
        late.device_id = s.kiosk(0).device_id;
        deauthorise_device(s.election().base_hash, late, authority);
        refused_with(*ledger, encode_device_deauthorisation(late), "polls are closed");
    }

    void exported_record_checks_the_deauthorisation() {
        test::LedgerScenario s;
        SecondKiosk second(s.election());
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        const auto authority = test::LedgerScenario::authority_key();
        fs::path record;
        {
            auto ledger = create_ledger(root, s);
            open_day(*ledger, s, second);
            test::require_all_ok(ledger->ingest({encode_device_deauthorisation(deauthorisation_of(
                                                     s, second.key.public_key(), authority)),
                                                 s.next_cast(0, 1), s.next_cast(1, 0)}));
            checked(ledger->close_all_polls(s.closings(*ledger)), "close");
            checked(ledger->tally(), "tally");
            const auto& c = s.ceremony();
            std::vector<Bytes> decryptions;
            for (std::size_t d = 0; d < s.election().manifest.districts.size(); ++d) {
                const RecordedTally t = *ledger->tallying().tally(d);
                for (const std::uint32_t g : {1U, 3U})
                    decryptions.push_back(encode_tally_decryption(decrypt_district_tally(
                        s.election(), t.tally, t.hash, g, c.secret_shares.at(g - 1).secret,
                        c.identities.at(g - 1))));
            }
            test::require_all_ok(ledger->ingest(std::move(decryptions), ActorRole::guardian));
            checked(ledger->record_results(), "results");
            record = root / "record";
            checked(record::export_election_record(*ledger, record), "export");
        }
        const verifier::VerifyReport clean = test::verify(record);
        QVERIFY2(clean.passed(), test::failed_checks(clean).c_str());

        // The operator (who holds the ledger key) moves the device's ballot after its
        // deauthorisation, and signs the log again: V18 names it.
        const std::string election_id = s.election().manifest.election_id;
        const fs::path file = "districts/d1/records.bin";
        std::vector<Bytes> frames = test::frames_of(test::read_bytes(record / file));
        std::size_t ballot = frames.size(), deauth = frames.size();
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (frames[i].front() == 0x17) deauth = i;
            if (frames[i].front() == 0x02 && ballot == frames.size() &&
                checked(decode_ballot(frames[i]), "ballot").device_id == second_kiosk)
                ballot = i;
        }
        QVERIFY(ballot < deauth && deauth < frames.size());
        // A guardian recomputing d1's tally before decrypting (the records before the tally):
        // the honest log adds up, the one with the ballot moved after the deauthorisation not.
        auto recompute = [&](const std::vector<Bytes>& log) -> Status {
            auto r = checked(TallyRecomputation::create(s.election(), "d1", BallotChecks::full),
                             "recomputation");
            for (const Bytes& f : log) {
                if (f.front() == static_cast<std::uint8_t>(RecordType::district_tally)) break;
                PSEPHOS_TRY(r.add_record(f));
            }
            return {};
        };
        QVERIFY(recompute(frames).ok());
        {
            std::vector<Bytes> moved = frames;
            std::swap(moved[ballot], moved[deauth]);
            const Status refused = recompute(moved);
            QVERIFY(!refused.ok());
            QVERIFY2(refused.error().message.find("was deauthorised by the election authority "
                                                  "before it") != std::string::npos,
                     refused.error().message.c_str());
        }
        {
            QTemporaryDir copy_dir;
            const fs::path copy = test::copy_record(record, copy_dir.path().toStdString());
            std::vector<Bytes> moved = frames;
            std::swap(moved[ballot], moved[deauth]);
            test::write_bytes(copy / file, test::file_of(moved));
            test::resign_district(copy, election_id, "d1");
            const verifier::VerifyReport report = test::verify(copy);
            QVERIFY(!report.passed());
            QVERIFY2(
                failures_of(report, "V18").find("was deauthorised by the election authority") !=
                    std::string::npos,
                test::failed_checks(report).c_str());
        }
        // One byte of its reason changed, signed again by the operator: the authority's
        // signature no longer holds (V30).
        {
            QTemporaryDir copy_dir;
            const fs::path copy = test::copy_record(record, copy_dir.path().toStdString());
            std::vector<Bytes> changed = frames;
            auto d = checked(decode_device_deauthorisation(changed[deauth]), "decode");
            d.reason[0] = 'X';
            changed[deauth] = encode_device_deauthorisation(d);
            test::write_bytes(copy / file, test::file_of(changed));
            test::resign_district(copy, election_id, "d1");
            const verifier::VerifyReport report = test::verify(copy);
            QVERIFY(!report.passed());
            QVERIFY2(failures_of(report, "V30").find("not signed by the election authority") !=
                         std::string::npos,
                     test::failed_checks(report).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestDeauthorisation)
#include "tst_deauthorisation.moc"
