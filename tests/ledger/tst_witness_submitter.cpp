// The station's submissions to witnesses (docs/witness.md §8) with a real ledger and two real
// witnesses over loopback HTTP: every district's newest checkpoint gets cosigned by both, growth
// is submitted with the ledger's consistency proof, a witness that is down is reported and
// caught up when it is back, and a submitter that forgot (a restart) resynchronises through 409.
#include <QTemporaryDir>
#include <QTest>

#include "file_text.hpp"
#include "ledger_scenario.hpp"

#include <filesystem>
#include <fstream>

#include "psephos/station/witness_submitter.hpp"
#include "psephos/witness/witness.hpp"
#include "psephos/witness/witness_server.hpp"

using psephos::test::read_text;
using namespace psephos;
using psephos::station::WitnessEndpoint;
using psephos::station::WitnessSubmitter;

namespace {
struct RunningWitness {
    std::unique_ptr<witness::Witness> core;
    std::unique_ptr<witness::WitnessServer> server;
    crypto::CosignerKey key;
};

}  // namespace

class TestWitnessSubmitter : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    test::LedgerScenario scenario_;
    std::unique_ptr<ledger::Ledger> ledger_;

    std::filesystem::path root() const { return dir_.path().toStdString(); }

    RunningWitness run_witness(int index, std::uint16_t port = 0) {
        witness::WitnessOptions o;
        o.state_directory = root() / ("witness" + std::to_string(index));
        o.name = "witness.test/w" + std::to_string(index);
        for (const auto& s : ledger_->district_statuses()) o.logs.push_back(s.verifier);
        auto core = witness::Witness::open(
            test::seeded_key(static_cast<std::uint8_t>(0x50 + index)), std::move(o));
        if (!core) qFatal("witness: %s", core.error().message.c_str());
        RunningWitness w{std::move(core).value(), nullptr, {}};
        w.key = w.core->cosigner();
        witness::WitnessServerOptions so;
        so.port = port;
        auto server = witness::WitnessServer::start(*w.core, so);
        if (!server) qFatal("server: %s", server.error().message.c_str());
        w.server = std::move(server).value();
        return w;
    }

    void cast(int count) {
        std::vector<Bytes> ballots;
        for (int i = 0; i < count; ++i)
            ballots.push_back(scenario_.next_cast(static_cast<std::size_t>(i % 2),
                                                  static_cast<std::uint64_t>(i)));
        for (const auto& r : ledger_->ingest(ballots))
            if (!r) qFatal("ingest: %s", r.error().message.c_str());
    }

    std::uint64_t size_of(const std::string& district) const {
        return ledger_->status(district).value().size;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        ledger::LedgerOptions o;
        o.directory = root() / "ledger";
        o.threads = 2;
        o.clock = [] { return std::uint64_t{1'793'000'300}; };
        auto ledger = ledger::Ledger::create(o, scenario_.election(), scenario_.approval(),
                                             test::LedgerScenario::ledger_key());
        if (!ledger) qFatal("create: %s", ledger.error().message.c_str());
        ledger_ = std::move(ledger).value();
        for (const auto& r : ledger_->ingest(scenario_.opening(), election::ActorRole::poll_worker))
            if (!r) qFatal("opening: %s", r.error().message.c_str());
    }
    void cleanupTestCase() { ledger_.reset(); }

    void both_witnesses_cosign_every_district_and_its_growth() {
        auto w1 = run_witness(1);
        auto w2 = run_witness(2);
        const std::vector<std::string> districts{"d1", "d2"};
        WitnessSubmitter submitter(
            *ledger_, districts,
            {{"127.0.0.1", w1.server->port(), w1.key}, {"127.0.0.1", w2.server->port(), w2.key}},
            root() / "cosignatures");
        cast(4);
        auto problems = submitter.submit_once();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        for (std::size_t w = 0; w < 2; ++w) {
            for (const auto& d : districts) {
                QCOMPARE(submitter.cosigned_size(w, d), size_of(d));
                const std::string note = read_text(submitter.cosigned_note_path(w, d));
                const auto status = ledger_->status(d).value();
                QVERIFY(election::open_note(note, status.verifier));
                QVERIFY(crypto::open_cosigned_note(note, w == 0 ? w1.key : w2.key));
            }
        }
        QCOMPARE(w1.core->held_size(ledger_->status("d1").value().origin).value(), size_of("d1"));
        cast(6);  // growth: submitted from the cosigned size with the ledger's proof
        problems = submitter.submit_once();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        QCOMPARE(submitter.cosigned_size(1, "d2"), size_of("d2"));
        QCOMPARE(w2.core->held_size(ledger_->status("d2").value().origin).value(), size_of("d2"));

        // A witness that is down is reported (named) and caught up once it is back.
        const std::uint16_t port2 = w2.server->port();
        w2.server.reset();
        w2.core.reset();
        cast(2);
        problems = submitter.submit_once();
        QVERIFY(!problems.empty());
        QVERIFY(problems.front().find("witness.test/w2") != std::string::npos);
        QCOMPARE(submitter.cosigned_size(0, "d1"), size_of("d1"));  // the other one went on
        auto back = run_witness(2, port2);
        problems = submitter.submit_once();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        QCOMPARE(submitter.cosigned_size(1, "d1"), size_of("d1"));

        // A restarted station takes up the sizes from the notes it kept, each checked again; a
        // kept note changed by one byte counts for nothing.
        {
            WitnessSubmitter restarted(*ledger_, districts,
                                       {{"127.0.0.1", w1.server->port(), w1.key},
                                        {"127.0.0.1", back.server->port(), back.key}},
                                       root() / "cosignatures");
            QCOMPARE(restarted.cosigned_size(0, "d1"), size_of("d1"));
            QCOMPARE(restarted.cosigned_size(1, "d2"), size_of("d2"));
        }
        const auto kept = submitter.cosigned_note_path(0, "d2");
        std::string tampered = read_text(kept);
        tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
        std::ofstream(kept, std::ios::binary | std::ios::trunc) << tampered;
        {
            WitnessSubmitter restarted(*ledger_, districts,
                                       {{"127.0.0.1", w1.server->port(), w1.key}},
                                       root() / "cosignatures");
            QCOMPARE(restarted.cosigned_size(0, "d1"), size_of("d1"));
            QCOMPARE(restarted.cosigned_size(0, "d2"), std::uint64_t{0});
        }

        // A new submitter (the station restarted) knows nothing: 409 tells it, and it goes on.
        WitnessSubmitter fresh(*ledger_, districts, {{"127.0.0.1", back.server->port(), back.key}},
                               root() / "cosignatures-2");
        cast(2);
        problems = fresh.submit_once();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        QCOMPARE(fresh.cosigned_size(0, "d2"), size_of("d2"));
    }

    // The background thread does the same passes, and stops when the submitter goes.
    void submits_in_the_background() {
        auto w = run_witness(3);
        cast(2);
        std::vector<std::string> problems;
        {
            WitnessSubmitter submitter(*ledger_, {"d1"}, {{"127.0.0.1", w.server->port(), w.key}},
                                       root() / "cosignatures-3");
            submitter.start(std::chrono::milliseconds(50),
                            [&problems](const std::string& p) { problems.push_back(p); });
            QTRY_COMPARE(submitter.cosigned_size(0, "d1"), size_of("d1"));
        }
        QVERIFY(problems.empty());
    }
};

QTEST_GUILESS_MAIN(TestWitnessSubmitter)
#include "tst_witness_submitter.moc"
