// SoftHSM2 tokens for the PKCS#11 tests, made at test time in a temporary directory: a
// configuration whose directories.tokendir is that directory, SOFTHSM2_CONF pointing at it (set in
// this process, so psephos processes it starts inherit it), and tokens initialised with
// softhsm2-util. SoftHSM2 is Debian's softhsm2 package, which scripts/setup installs; when it is
// missing the test fails with a message saying so, it never skips.
#pragma once

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace psephos::test {

inline const QString softhsm_module = QStringLiteral("/usr/lib/softhsm/libsofthsm2.so");

// Empty when SoftHSM2 is usable, else what is missing and what to run.
inline QString softhsm_missing() {
    if (!QFile::exists(softhsm_module))
        return softhsm_module + " is missing: run scripts/setup (it installs Debian's softhsm2)";
    QProcess probe;
    probe.start("softhsm2-util", {"--version"});
    if (!probe.waitForFinished(30'000) || probe.exitCode() != 0)
        return "softhsm2-util does not run: run scripts/setup (it installs Debian's softhsm2)";
    return {};
}

// Writes `dir`/softhsm2.conf with its tokens in `dir`/tokens and points SOFTHSM2_CONF at it.
// Returns an error text, empty on success.
inline QString use_softhsm_dir(const QString& dir) {
    if (QString missing = softhsm_missing(); !missing.isEmpty()) return missing;
    const QString tokens = dir + "/tokens";
    if (!QDir().mkpath(tokens)) return "cannot create " + tokens;
    QFile conf(dir + "/softhsm2.conf");
    if (!conf.open(QIODevice::WriteOnly)) return "cannot write " + conf.fileName();
    conf.write(("directories.tokendir = " + tokens +
                "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n")
                   .toUtf8());
    conf.close();
    qputenv("SOFTHSM2_CONF", conf.fileName().toUtf8());
    return {};
}

// softhsm2-util --init-token --free: a new token with this label, user PIN and SO PIN.
inline QString init_softhsm_token(const QString& label, const QString& pin) {
    QProcess init;
    init.start("softhsm2-util",
               {"--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", pin + "-so"});
    if (!init.waitForFinished(30'000) || init.exitCode() != 0)
        return "softhsm2-util --init-token --label " + label +
               " failed: " + QString::fromUtf8(init.readAllStandardError());
    return {};
}

}  // namespace psephos::test
