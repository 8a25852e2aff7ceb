// `psephos guardian`, the distributed key ceremony (docs/key-ceremony.md), run as real processes:
// five guardians (threshold 3), each in its own temporary directory with its own passphrase given
// on a descriptor, running each step side by side and exchanging only files. The test plays the
// network (it copies public files between the guardians' exchange directories) and the attacker:
// a cheating dealer (guardian 2 sends guardian 4 a share that does not match its commitments),
// caught by guardian 4's complaint and forced to reveal the share, or disqualified when what it
// reveals is bad too; a share signed by the wrong guardian, changed by one byte or meant for
// another recipient is refused without a complaint; a passphrase from the environment is refused.
// The result is one election key in every guardian's view, and key files that decrypt: any
// three of them decrypt under the joint key, and three guardians decrypt a small election's tally
// on a ledger made from the finalized manifest (`psephos decrypt --passphrase-fd`).
#include <unistd.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <memory>
#include <vector>

#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/threshold_decryption.hpp"
#include "psephos/election/ceremony_exchange.hpp"
#include "psephos/election/ceremony_records.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/guardian_ceremony_state.hpp"
#include "psephos/election/guardian_key_file.hpp"
#include "psephos_process.hpp"

using namespace psephos;
namespace fs = std::filesystem;

namespace {

using test::describe;
using test::read_all;
using test::Run;

constexpr int guardians = 5;
const QString sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";

QString passphrase_of(int g) { return QString("guardian %1's own passphrase").arg(g); }

struct Job {
    QStringList args;
    QString passphrase;              // written to the process's standard input (--passphrase-fd 0)
    QString environment_passphrase;  // PSEPHOS_GUARDIAN_PASSPHRASE, if not null
};

// Starts every job at once (one process per guardian) and waits for all of them.
std::vector<Run> run_side_by_side(const std::vector<Job>& jobs) {
    std::vector<std::unique_ptr<QProcess>> processes;
    for (const Job& job : jobs) {
        auto process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("PSEPHOS_GUARDIAN_PASSPHRASE");
        if (!job.environment_passphrase.isNull())
            env.insert("PSEPHOS_GUARDIAN_PASSPHRASE", job.environment_passphrase);
        process->setProcessEnvironment(env);
        // No controlling terminal: a missing passphrase fails instead of prompting the developer.
        process->setChildProcessModifier([] { ::setsid(); });
        process->start(QStringLiteral(PSEPHOS_EXE), job.args);
        if (!process->waitForStarted()) qFatal("psephos did not start");
        if (!job.passphrase.isNull()) process->write((job.passphrase + "\n").toUtf8());
        process->closeWriteChannel();
        processes.push_back(std::move(process));
    }
    std::vector<Run> runs;
    for (auto& process : processes) {
        if (!process->waitForFinished(180'000)) qFatal("psephos guardian did not finish");
        Run r;
        r.exit_code = process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1;
        r.out = QString::fromUtf8(process->readAllStandardOutput());
        r.err = QString::fromUtf8(process->readAllStandardError());
        runs.push_back(r);
    }
    return runs;
}

Run run_one(const Job& job) { return run_side_by_side({job}).front(); }

void copy_tree(const QString& from, const QString& to) {
    fs::copy(from.toStdString(), to.toStdString(),
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

void write_file(const QString& path, const Bytes& bytes) {
    QFile::remove(path);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size()));
}

Bytes bytes_of(const QString& path) {
    const QByteArray data = read_all(path);
    return Bytes(data.begin(), data.end());
}

}  // namespace

class TestGuardianCli : public QObject {
    Q_OBJECT

    QTemporaryDir root_;
    QString base_;  // guardian-G/ (each guardian's own directory) and board/ after `share`

    QString at(const QString& name) const { return root_.filePath(name); }

    // A fresh copy of the ceremony after every guardian shared: its own directories and one
    // exchange directory holding every public file so far.
    QString fresh(const QString& name) const {
        const QString dir = at(name);
        copy_tree(base_, dir);
        return dir;
    }
    static QString guardian_dir(const QString& ceremony, int g) {
        return ceremony + QString("/guardian-%1").arg(g);
    }
    static QString board(const QString& ceremony) { return ceremony + "/board"; }

    static Job step(const QString& ceremony, const QString& sub, int g) {
        return {{"guardian", sub, "--dir", guardian_dir(ceremony, g), "--exchange", board(ceremony),
                 "--passphrase-fd", "0"},
                passphrase_of(g),
                {}};
    }
    static std::vector<Run> everyone(const QString& ceremony, const QString& sub) {
        std::vector<Job> jobs;
        for (int g = 1; g <= guardians; ++g) jobs.push_back(step(ceremony, sub, g));
        return run_side_by_side(jobs);
    }

    // Guardian `g`'s state, opened in this process: what a cheating guardian holds.
    static crypto::Guardian open_as(const QString& ceremony, int g) {
        const QString dir = guardian_dir(ceremony, g);
        auto opened = election::open_guardian_state_file((dir + "/guardian.state").toStdString(),
                                                         passphrase_of(g).toStdString(),
                                                         bytes_of(dir + "/announcement.bin"));
        if (!opened) qFatal("%s", opened.error().message.c_str());
        return std::move(opened).value();
    }
    static crypto::GuardianAnnouncement announcement_of(const QString& ceremony, int g) {
        return election::decode_guardian_announcement(
                   bytes_of(board(ceremony) + QString("/announcement-%1.bin").arg(g)))
            .value();
    }
    static Hash32 ceremony_hash_of(const QString& ceremony) {
        return election::read_guardian_state_info(
                   (guardian_dir(ceremony, 1) + "/guardian.state").toStdString())
            .value()
            .ceremony_hash;
    }
    // Guardian 2's share for guardian 4 of P_2(4) + `offset`, sealed to 4 and signed by `signer`.
    static crypto::SealedShare share_2_to_4(const QString& ceremony, std::uint64_t offset,
                                            int signer) {
        const crypto::Guardian two = open_as(ceremony, 2);
        const crypto::Scalar value =
            two.polynomial().evaluate(4) + crypto::Scalar::from_uint64(offset);
        crypto::SealedShare s;
        s.sender = 2;
        s.recipient = 4;
        s.sealed = crypto::seal_to(announcement_of(ceremony, 4).box_key, value.bytes());
        const Hash32 hash = ceremony_hash_of(ceremony);
        s.signature = signer == 2 ? two.identity().sign(s.signed_bytes(hash))
                                  : open_as(ceremony, signer).identity().sign(s.signed_bytes(hash));
        return s;
    }

private slots:
    // init, announce and share, each guardian in its own directory with its own exchange
    // directory; the test carries each public file to the others.
    void initTestCase() {
        QVERIFY(root_.isValid());
        base_ = at("base");
        QVERIFY(QDir().mkpath(base_ + "/board"));
        std::vector<Job> init;
        for (int g = 1; g <= guardians; ++g) {
            QVERIFY(QDir().mkpath(base_ + QString("/exchange-%1").arg(g)));
            init.push_back(
                {{"guardian", "init", "--election", sample, "--index", QString::number(g), "--dir",
                  guardian_dir(base_, g), "--passphrase-fd", "0"},
                 passphrase_of(g),
                 {}});
        }
        for (const Run& r : run_side_by_side(init))
            QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        const auto carry = [&] {
            for (int g = 1; g <= guardians; ++g) {
                const QDir outbox(base_ + QString("/exchange-%1").arg(g));
                for (const QString& name : outbox.entryList(QDir::Files)) {
                    QFile::copy(outbox.filePath(name), base_ + "/board/" + name);
                    for (int h = 1; h <= guardians; ++h) {
                        QFile::copy(outbox.filePath(name),
                                    base_ + QString("/exchange-%1/").arg(h) + name);
                    }
                }
            }
        };
        for (int g = 1; g <= guardians; ++g) {
            const Run r = run_one({{"guardian", "announce", "--dir", guardian_dir(base_, g),
                                    "--exchange", base_ + QString("/exchange-%1").arg(g)},
                                   {},
                                   {}});
            QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        }
        carry();
        std::vector<Job> share;
        for (int g = 1; g <= guardians; ++g) {
            share.push_back({{"guardian", "share", "--dir", guardian_dir(base_, g), "--exchange",
                              base_ + QString("/exchange-%1").arg(g), "--passphrase-fd", "0"},
                             passphrase_of(g),
                             {}});
        }
        for (const Run& r : run_side_by_side(share))
            QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        carry();
        for (int g = 1; g <= guardians; ++g)
            QVERIFY(QDir(base_ + QString("/exchange-%1").arg(g)).removeRecursively());
        // Every guardian's state is sealed and private; nothing secret is in the exchange.
        QCOMPARE(QFile::permissions(guardian_dir(base_, 1) + "/guardian.state") & 0x0077, 0);
        QCOMPARE(QDir(base_ + "/board").entryList(QDir::Files).size(),
                 guardians + guardians * (guardians - 1));
    }

    // Guardian 2 cheats guardian 4; 4 complains, 2 must reveal the share (it reveals the true
    // one), and the ceremony ends with one election key in every view.
    void five_guardians_agree_on_one_election_key_despite_a_cheating_dealer() {
        const QString c = fresh("agree");
        write_file(board(c) + "/share-2-to-4.bin",
                   election::encode_sealed_share(share_2_to_4(c, 1, 2)));
        const std::vector<Run> verified = everyone(c, "verify-shares");
        for (int g = 1; g <= guardians; ++g) {
            const Run& r = verified[g - 1];
            if (g == 4) {
                QVERIFY2(r.exit_code == 1, qPrintable(describe(r)));
                QVERIFY2(
                    r.out.contains("share from guardian 2") && r.out.contains("complaint written"),
                    qPrintable(describe(r)));
            } else {
                QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
            }
        }
        QVERIFY(QFile::exists(board(c) + "/complaint-4-against-2.bin"));
        // Nobody can finish while the complaint is open.
        const Run early = run_one(step(c, "finish", 1));
        QVERIFY2(early.exit_code == 1 && early.err.contains("is not resolved"),
                 qPrintable(describe(early)));
        const Run resolved = run_one(step(c, "resolve", 2));
        QVERIFY2(resolved.exit_code == 0, qPrintable(describe(resolved)));
        QVERIFY(QFile::exists(board(c) + "/resolution-2-for-4.bin"));

        const std::vector<Run> finished = everyone(c, "finish");
        QString joint_key_line;
        for (int g = 1; g <= guardians; ++g) {
            const Run& r = finished[g - 1];
            QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
            QVERIFY2(r.out.contains("guardian 4's complaint against guardian 2 is cleared"),
                     qPrintable(describe(r)));
            const QString line = r.out.section('\n', -4, -4);
            QVERIFY2(line.startsWith("joint key: "), qPrintable(r.out));
            if (g == 1) joint_key_line = line;
            QCOMPARE(line, joint_key_line);
        }
        const QByteArray election = read_all(guardian_dir(c, 1) + "/election.json");
        for (int g = 2; g <= guardians; ++g)
            QCOMPARE(read_all(guardian_dir(c, g) + "/election.json"), election);

        // The finalized manifest is one the rest of the system accepts, and every key file opens
        // with its guardian's passphrase and matches the ceremony record.
        auto manifest =
            election::load_manifest_file((guardian_dir(c, 1) + "/election.json").toStdString());
        QVERIFY2(manifest.ok(), manifest.ok() ? "" : manifest.error().message.c_str());
        auto context = election::make_election_context(manifest.value());
        QVERIFY(context.ok());
        QVERIFY(joint_key_line.endsWith(
            QString::fromStdString(to_hex(context.value().joint_key.bytes()))));
        std::vector<election::GuardianKey> keys;
        for (int g = 1; g <= guardians; ++g) {
            const QString path = guardian_dir(c, g) + QString("/guardian-%1.key").arg(g);
            QCOMPARE(QFile::permissions(path) & 0x0077, 0);
            auto key = election::read_guardian_key_file(
                path.toStdString(), std::optional<std::string>(passphrase_of(g).toStdString()));
            QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
            QVERIFY(election::check_guardian_key(key.value(), manifest.value()).ok());
            keys.push_back(std::move(key).value());
        }
        // Any three guardians decrypt a message encrypted under the joint key.
        std::vector<crypto::CoefficientCommitments> commitments;
        for (const auto& g : manifest.value().ceremony->guardians)
            commitments.push_back(g.commitments);
        const crypto::Ciphertext ciphertext =
            crypto::encrypt_message(7, crypto::Scalar::random(), context.value().joint_key);
        for (const std::vector<int>& set : {std::vector<int>{1, 3, 5}, std::vector<int>{2, 4, 5}}) {
            std::vector<crypto::DecryptionShare> shares;
            for (int g : set) {
                const crypto::Point public_share =
                    crypto::compute_public_share(commitments, static_cast<std::uint32_t>(g));
                shares.push_back(crypto::compute_decryption_share(
                    context.value().base_hash, static_cast<std::uint32_t>(g),
                    keys[g - 1].secret_share, public_share, ciphertext));
                QVERIFY(crypto::verify_decryption_share(context.value().base_hash, public_share,
                                                        ciphertext, shares.back())
                            .ok());
            }
            auto message = crypto::combine_decryption_shares(ciphertext, shares, 3);
            QVERIFY(message.ok());
            QVERIFY(message.value() ==
                    crypto::Point::multiply_base(crypto::Scalar::from_uint64(7)));
        }
        // The output runs an election: a ballot cast in ward-1 under this key, the polls closed,
        // the tally decrypted on the ledger by guardians 1, 3 and 5 from their own key files
        // (passphrases on a descriptor), and the result is the ballot's mark.
        const QString election_file = guardian_dir(c, 3) + "/election.json";
        const Run verify =
            run_one({{"guardian-key", "verify", guardian_dir(c, 3) + "/guardian-3.key",
                      "--election", election_file, "--passphrase-fd", "0"},
                     passphrase_of(3),
                     {}});
        QVERIFY2(verify.exit_code == 0, qPrintable(describe(verify)));
        const QString data = at("data");
        const std::vector<QStringList> setup = {
            {"authority", "keygen", "--out", at("authority.key")},
            {"authority", "approve", "--key", at("authority.key"), "--election", election_file,
             "--out", at("approval.bin")},
            {"ledger", "init", "--election", election_file, "--approval", at("approval.bin"),
             "--data", data},
            {"ledger", "device-key", "--out", at("kiosk-1.key"), "--device", "kiosk-1"},
            {"authority", "authorise-device", "--key", at("authority.key"), "--election",
             election_file, "--district", "ward-1", "--device", "kiosk-1", "--public-key",
             at("kiosk-1.key.pub"), "--out", at("kiosk-1.authorised")},
            {"ledger", "register-device", "--data", data, "--authorisation",
             at("kiosk-1.authorised")},
            // Polls records are signed by a device: kiosk-1.key is in this directory.
            {"ledger", "open-polls", "--data", data, "--district", "ward-1", "--device-keys",
             at(".")},
            {"encrypt", "--election", election_file, "--district", "ward-1", "--selections",
             "{\"mayor\": [\"rosa-delgado\"]}", "--device-key", at("kiosk-1.key"), "--device-id",
             "kiosk-1", "--out", at("ballot"), "--data", data},
            {"ledger", "cast", "--data", data, at("ballot")},
            {"ledger", "close-polls", "--data", data, "--all", "--device-keys", at(".")},
            {"tally", "--data", data},
        };
        for (const QStringList& args : setup) {
            const Run r = test::run(args);
            QVERIFY2(r.exit_code == 0, qPrintable(args.join(' ') + "\n" + describe(r)));
        }
        for (int g : {1, 3, 5}) {
            const Run d = run_one(
                {{"decrypt", "--data", data, "--guardian",
                  guardian_dir(c, g) + QString("/guardian-%1.key").arg(g), "--passphrase-fd", "0"},
                 passphrase_of(g),
                 {}});
            QVERIFY2(d.exit_code == 0, qPrintable(describe(d)));
        }
        const Run results = test::run({"results", "--data", data, "--json"});
        QVERIFY2(results.exit_code == 0, qPrintable(describe(results)));
        // ward-1 is decrypted by exactly these three; ward-2 never opened its polls.
        const QJsonObject ward = test::json_of(results)["districts"].toArray().at(0).toObject();
        QCOMPARE(ward["district"].toString(), QString("ward-1"));
        QCOMPARE(ward["guardians"].toArray().size(), 3);
        const QJsonObject mayor = ward["counts"].toObject()["mayor"].toObject();
        QCOMPARE(mayor["rosa-delgado"].toInt(), 1);
        QCOMPARE(mayor["helen-park"].toInt(), 0);
        QCOMPARE(mayor["martin-okafor"].toInt(), 0);
    }

    // The cheat again, and what guardian 2 reveals is bad too: everyone sees it disqualified.
    void dealer_revealing_a_bad_share_is_disqualified() {
        const QString c = fresh("disqualified");
        const crypto::SealedShare bad = share_2_to_4(c, 1, 2);
        write_file(board(c) + "/share-2-to-4.bin", election::encode_sealed_share(bad));
        const Run complained = run_one(step(c, "verify-shares", 4));
        QVERIFY2(complained.exit_code == 1, qPrintable(describe(complained)));
        const crypto::Guardian two = open_as(c, 2);
        const election::ShareResolution lie = election::sign_share_resolution(
            ceremony_hash_of(c), 2, 4,
            two.polynomial().evaluate(4) + crypto::Scalar::from_uint64(1), two.identity());
        write_file(board(c) + "/resolution-2-for-4.bin", election::encode_share_resolution(lie));
        const std::vector<Run> finished = everyone(c, "finish");
        for (const Run& r : finished) {
            QVERIFY2(r.exit_code == 1, qPrintable(describe(r)));
            QVERIFY2(r.err.contains("guardian 2 is disqualified"), qPrintable(describe(r)));
        }
        QVERIFY(!QFile::exists(guardian_dir(c, 1) + "/election.json"));
        QVERIFY(!QFile::exists(guardian_dir(c, 4) + "/guardian-4.key"));
    }

    // A share must be the sender's as signed: another guardian's signature, one changed byte or
    // a share addressed to someone else is refused, and no complaint (which would force an honest
    // sender to reveal) is written.
    void share_signed_by_the_wrong_guardian_is_refused() {
        const QString c = fresh("wrong-signer");
        write_file(board(c) + "/share-2-to-4.bin",
                   election::encode_sealed_share(share_2_to_4(c, 0, 3)));
        const Run r = run_one(step(c, "verify-shares", 4));
        QVERIFY2(r.exit_code == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("share-2-to-4.bin: not signed by guardian 2"),
                 qPrintable(describe(r)));
        QVERIFY(!QFile::exists(board(c) + "/complaint-4-against-2.bin"));
        const Run f = run_one(step(c, "finish", 4));
        QVERIFY2(f.exit_code == 1 && f.err.contains("not signed by guardian 2"),
                 qPrintable(describe(f)));
    }

    void share_changed_by_one_byte_is_refused() {
        const QString c = fresh("one-byte");
        const QString path = board(c) + "/share-1-to-3.bin";
        const Bytes good = bytes_of(path);
        for (const std::size_t i : {std::size_t{20}, good.size() / 2, good.size() - 1}) {
            Bytes bad = good;
            bad[i] ^= 0x01;
            write_file(path, bad);
            const Run r = run_one(step(c, "verify-shares", 3));
            QVERIFY2(r.exit_code == 1, qPrintable(describe(r)));
            QVERIFY2(r.err.contains("share-1-to-3.bin: not signed by guardian 1"),
                     qPrintable(describe(r)));
            QVERIFY(!QFile::exists(board(c) + "/complaint-3-against-1.bin"));
        }
    }

    void share_for_another_recipient_is_refused() {
        const QString c = fresh("other-recipient");
        QVERIFY(QFile::remove(board(c) + "/share-1-to-3.bin"));
        QVERIFY(QFile::copy(board(c) + "/share-1-to-2.bin", board(c) + "/share-1-to-3.bin"));
        const Run r = run_one(step(c, "verify-shares", 3));
        QVERIFY2(r.exit_code == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("addressed from guardian 1 to guardian 2"),
                 qPrintable(describe(r)));
    }

    void init_refuses_weak_passphrases_and_a_wrong_index() {
        const struct {
            QString passphrase, index, error;
        } cases[] = {
            {"", "1", "empty guardian passphrase"},
            {"short", "1", "shorter than 8 characters"},
            {QString(1100, 'x'), "1", "longer than 1024 bytes"},
            {passphrase_of(1), "6", "--index 6: the manifest names 5 guardians"},
        };
        int n = 0;
        for (const auto& k : cases) {
            const QString dir = at(QString("weak-%1").arg(n++));
            const Run r = run_one({{"guardian", "init", "--election", sample, "--index", k.index,
                                    "--dir", dir, "--passphrase-fd", "0"},
                                   k.passphrase,
                                   {}});
            QVERIFY2(r.exit_code == 1 && r.err.contains(k.error), qPrintable(describe(r)));
            QVERIFY(!QFile::exists(dir + "/guardian.state"));
        }
    }

    // The public files a step reads must be the ones the guardian's state names and each
    // guardian's own, signed: a swapped or changed announcement stops the step.
    void announcements_are_checked_before_any_step() {
        const QString c = fresh("announcements");
        // Guardian 1's directory holding guardian 2's announcement.
        QVERIFY(QFile::remove(guardian_dir(c, 1) + "/announcement.bin"));
        QVERIFY(QFile::copy(guardian_dir(c, 2) + "/announcement.bin",
                            guardian_dir(c, 1) + "/announcement.bin"));
        const Run own = run_one(step(c, "verify-shares", 1));
        QVERIFY2(own.exit_code == 1 && own.err.contains("is not the announcement"),
                 qPrintable(describe(own)));
        // Guardian 2's announcement posted as guardian 3's.
        QVERIFY(QFile::remove(board(c) + "/announcement-3.bin"));
        QVERIFY(QFile::copy(board(c) + "/announcement-2.bin", board(c) + "/announcement-3.bin"));
        const Run swapped = run_one(step(c, "verify-shares", 4));
        QVERIFY2(swapped.exit_code == 1 && swapped.err.contains("is guardian 2's announcement"),
                 qPrintable(describe(swapped)));
        // Guardian 2's announcement with one byte of its signature changed.
        Bytes changed = bytes_of(board(c) + "/announcement-2.bin");
        changed[changed.size() - 5] ^= 0x01;
        write_file(board(c) + "/announcement-3.bin",
                   bytes_of(board(base_) + "/announcement-3.bin"));
        write_file(board(c) + "/announcement-2.bin", changed);
        const Run tampered = run_one(step(c, "verify-shares", 4));
        QVERIFY2(tampered.exit_code == 1 && tampered.err.contains("announcement-2.bin") &&
                     tampered.err.contains("signature"),
                 qPrintable(describe(tampered)));
    }

    void passphrase_from_the_environment_is_refused() {
        const QString c = fresh("environment");
        Job job = step(c, "share", 1);
        job.args = QStringList{"guardian",         "verify-shares", "--dir",
                               guardian_dir(c, 1), "--exchange",    board(c)};
        job.environment_passphrase = passphrase_of(1);
        const Run r = run_one(job);
        QVERIFY2(r.exit_code == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("never takes a passphrase from the environment"),
                 qPrintable(describe(r)));
        // Not even beside a descriptor: the variable must go.
        Job both = step(c, "verify-shares", 1);
        both.environment_passphrase = passphrase_of(1);
        const Run r2 = run_one(both);
        QVERIFY2(r2.exit_code == 1 && r2.err.contains("from the environment"),
                 qPrintable(describe(r2)));
        // Without a terminal or a descriptor there is nothing to read it from.
        Job none = job;
        none.environment_passphrase = QString();
        none.passphrase = QString();
        const Run r3 = run_one(none);
        QVERIFY2(r3.exit_code == 1 && r3.err.contains("--passphrase-fd"), qPrintable(describe(r3)));
        // Another guardian's passphrase does not open this guardian's state.
        Job wrong = step(c, "verify-shares", 1);
        wrong.passphrase = passphrase_of(2);
        const Run r4 = run_one(wrong);
        QVERIFY2(r4.exit_code == 1 && r4.err.contains("wrong passphrase"),
                 qPrintable(describe(r4)));
    }
};

QTEST_GUILESS_MAIN(TestGuardianCli)
#include "tst_guardian_cli.moc"
