// The ledger's log keys in a PKCS#11 token (docs/keys.md §4), on SoftHSM2 tokens made at test time
// (softhsm_tokens.hpp): a full polling day whose every checkpoint the token signed, exported and
// passed by the record verifier like a key file's ledger, and reopened with the token to write
// again; a token of another ledger (the same labels, other keys), a token without the keys, a log
// key whose secret can leave the token, and a wrong PIN are each refused with an error naming the
// token and the key, before the ledger writes anything.
#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "psephos/election/log_origin.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "record_test_support.hpp"
#include "softhsm_raw_token.hpp"
#include "softhsm_tokens.hpp"

using namespace psephos;
using namespace psephos::test;
namespace fs = std::filesystem;

namespace {

const std::string pin = "2468-ledger";

ledger::LedgerTokenSpec token(const std::string& label) {
    return {softhsm_module.toStdString(), label};
}

std::string failed_checks(const verifier::VerifyReport& report) {
    std::string out;
    for (const auto& c : report.checks)
        for (const auto& f : c.failures) out += c.id + ": " + f + "\n";
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

class TestLedgerToken : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    fs::path ledger_dir_;  // the day's ledger, signed by token "ledger"
    std::vector<crypto::Ed25519PublicKey> keys_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const QString made = use_softhsm_dir(dir_.path());
        QVERIFY2(made.isEmpty(), qPrintable(made));
        for (const char* label : {"ledger", "other", "empty", "careless"}) {
            const QString init = init_softhsm_token(label, QString::fromStdString(pin));
            QVERIFY2(init.isEmpty(), qPrintable(init));
        }
        ledger_dir_ = fs::path(dir_.path().toStdString()) / "day";
    }

    // Every log's key generated in the token, one per origin; a second run refuses before it
    // makes anything, since the labels are taken.
    void generates_one_key_per_log() {
        const auto manifest = small_manifest();
        auto made = ledger::generate_token_log_keys(token("ledger"), pin, manifest);
        QVERIFY2(made, made ? "" : made.error().message.c_str());
        keys_ = made.value();
        QCOMPARE(keys_.size(), manifest.districts.size() + 3);
        for (std::size_t i = 0; i < keys_.size(); ++i)
            for (std::size_t j = i + 1; j < keys_.size(); ++j) QVERIFY(!(keys_[i] == keys_[j]));

        auto again = ledger::generate_token_log_keys(token("ledger"), pin, manifest);
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::refused);
        QVERIFY2(contains(again.error().message, "already holds this log's key"),
                 again.error().message.c_str());
    }

    // A polling day signed by the token, exported: the record verifier passes it, its logs'
    // verifier keys are the token's keys, and a checkpoint with one byte changed fails.
    void token_signed_day_verifies() {
        QVERIFY(!keys_.empty());
        const auto origins = ledger::log_origins(small_manifest());
        const fs::path record = export_full_day(
            ledger_dir_, small_manifest(),
            [&](Ledger& l) {
                QVERIFY(!l.read_only());
                const auto districts = l.district_statuses();
                for (std::size_t d = 0; d < districts.size(); ++d) {
                    QCOMPARE(districts[d].origin, origins[d]);
                    QVERIFY(districts[d].verifier.key == keys_[d]);
                }
                QVERIFY(l.status(ledger::election_log_name).value().verifier.key ==
                        keys_[districts.size()]);
                QVERIFY(l.status(ledger::event_log_name).value().verifier.key ==
                        keys_[districts.size() + 1]);
                QVERIFY(l.status(ledger::bridge_log_name).value().verifier.key ==
                        keys_[districts.size() + 2]);
            },
            ledger::LedgerKey::in_token(token("ledger"), pin));
        if (QTest::currentTestFailed()) return;
        verifier::VerifyOptions options;
        options.threads = 2;
        const auto report = verifier::verify_election_record(record, options);
        QVERIFY2(report.passed(), failed_checks(report).c_str());

        // One byte of a token-signed checkpoint changed: it no longer opens under its key.
        auto opened = Ledger::open(options_in(ledger_dir_), std::nullopt);
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        const ledger::LogStatus d1 = opened.value()->district_statuses().front();
        QVERIFY(election::open_note(d1.signed_checkpoint, d1.verifier));
        std::string tampered = d1.signed_checkpoint;
        const std::size_t at = tampered.rfind(' ') + 20;  // inside the signature's base64
        tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
        QVERIFY(!election::open_note(tampered, d1.verifier));
    }

    // The same ledger reopened with its token signs again; the new checkpoint is under the
    // token's key.
    void reopens_with_its_token_and_writes() {
        auto opened = Ledger::open(options_in(ledger_dir_),
                                   ledger::LedgerKey::in_token(token("ledger"), pin));
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        Ledger& l = *opened.value();
        QVERIFY(!l.read_only());
        const std::uint64_t before = l.status(ledger::event_log_name).value().size;
        QVERIFY(l.record_event(election::EventType::configuration_changed,
                               election::ActorRole::election_official,
                               election::Disposition::success, "", "reopened with the token"));
        const ledger::LogStatus events = l.status(ledger::event_log_name).value();
        QVERIFY(events.size > before);
        QVERIFY(events.verifier.key == keys_[keys_.size() - 2]);
        QVERIFY(election::open_note(events.signed_checkpoint, events.verifier));
    }

    // A token with keys of the same labels but of another ledger (a swapped token): refused,
    // naming the token key and the key on record, and nothing is written.
    void refuses_a_token_of_another_ledger() {
        auto made = ledger::generate_token_log_keys(token("other"), pin, small_manifest());
        QVERIFY2(made, made ? "" : made.error().message.c_str());
        const std::uint64_t events_before = read_only_event_count();
        auto opened =
            Ledger::open(options_in(ledger_dir_), ledger::LedgerKey::in_token(token("other"), pin));
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::verification_failed);
        const std::string& m = opened.error().message;
        QVERIFY2(contains(m, "district 'd1'") && contains(m, "token=other") &&
                     contains(m, "object=psephos-log:") &&
                     contains(m, "is not the key this ledger has on record"),
                 m.c_str());
        QCOMPARE(read_only_event_count(), events_before);
    }

    // A token without this ledger's keys (a wrong token, or keys under other labels).
    void refuses_a_token_without_the_keys() {
        auto opened =
            Ledger::open(options_in(ledger_dir_), ledger::LedgerKey::in_token(token("empty"), pin));
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::not_found);
        QVERIFY2(
            contains(opened.error().message, "district 'd1'") &&
                contains(opened.error().message, "PKCS#11 token 'empty'") &&
                contains(opened.error().message, "no Ed25519 private key labelled 'psephos-log:"),
            opened.error().message.c_str());
        auto nowhere = Ledger::open(options_in(ledger_dir_),
                                    ledger::LedgerKey::in_token(token("absent"), pin));
        QVERIFY(!nowhere);
        QCOMPARE(nowhere.error().code, ErrorCode::not_found);
        QVERIFY2(contains(nowhere.error().message, "no token labelled 'absent'"),
                 nowhere.error().message.c_str());
    }

    // A log key planted with a secret that may leave the token (made by another tool, say):
    // the ledger refuses to sign with it, even for a new ledger.
    void refuses_an_extractable_log_key() {
        const auto manifest = small_manifest();
        const std::string label =
            ledger::token_log_key_label(election::district_origin(manifest.election_id, "d1"));
        {
            RawToken raw("careless", pin);
            QCOMPARE(raw.generate_extractable(label), CKR_OK);
        }
        // generate_token_log_keys sees the planted key first and makes nothing.
        auto made = ledger::generate_token_log_keys(token("careless"), pin, manifest);
        QVERIFY(!made);
        QCOMPARE(made.error().code, ErrorCode::refused);
        QVERIFY2(contains(made.error().message, "CKA_EXTRACTABLE"), made.error().message.c_str());

        test::LedgerScenario scenario(manifest);
        const fs::path fresh = fs::path(dir_.path().toStdString()) / "careless";
        fs::create_directories(fresh);
        auto created = Ledger::create(options_in(fresh), scenario.election(), scenario.approval(),
                                      ledger::LedgerKey::in_token(token("careless"), pin));
        QVERIFY(!created);
        QVERIFY2(created.error().code == ErrorCode::refused, created.error().message.c_str());
        QVERIFY2(contains(created.error().message, "district 'd1'") &&
                     contains(created.error().message, label) &&
                     contains(created.error().message, "CKA_EXTRACTABLE"),
                 created.error().message.c_str());
    }

    void refuses_a_wrong_pin() {
        auto opened = Ledger::open(options_in(ledger_dir_),
                                   ledger::LedgerKey::in_token(token("ledger"), "not-the-pin"));
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::permission_denied);
        QVERIFY2(contains(opened.error().message, "PKCS#11 token 'ledger': the PIN is wrong"),
                 opened.error().message.c_str());
        // The right PIN still opens it (one wrong try does not lock SoftHSM2's user PIN).
        auto right = Ledger::open(options_in(ledger_dir_),
                                  ledger::LedgerKey::in_token(token("ledger"), pin));
        QVERIFY2(right, right ? "" : right.error().message.c_str());
    }

private:
    std::uint64_t read_only_event_count() {
        auto opened = Ledger::open(options_in(ledger_dir_), std::nullopt);
        if (!opened) qFatal("read-only open: %s", opened.error().message.c_str());
        return opened.value()->status(ledger::event_log_name).value().size;
    }
};

QTEST_GUILESS_MAIN(TestLedgerToken)
#include "tst_ledger_token.moc"
