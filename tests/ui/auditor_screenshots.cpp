// Renders the auditor's main screens to PNG through the real QML on the offscreen platform
// (scripts/screenshots): docs/screenshots/auditor-<screen>.png, on a record made by
// `psephos demo` (verified with the authority's published key as the trust anchor) and a copy
// with one byte of a cast ballot changed (verified without one).
//   auditor_screenshots OUTPUT_DIR
#include <QDir>
#include <QGuiApplication>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <iostream>

#include "auditor_driver.hpp"
#include "auditor_fixture.hpp"

using namespace psephos;

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);  // leave the user's recent records alone
    if (argc != 2) {
        std::cerr << "usage: auditor_screenshots OUTPUT_DIR\n";
        return 2;
    }
    const QDir out(QString::fromLocal8Bit(argv[1]));
    if (!QDir().mkpath(out.path())) return 1;
    int written = 0;
    try {
        QTemporaryDir dir;
        test::AuditorRecords records(dir.path(), 400);
        auto shot = [&](test::AuditorDriver& d, const QString& name) {
            const QString path = out.filePath(QStringLiteral("auditor-%1.png").arg(name));
            if (!d.grab(path)) throw std::runtime_error("cannot write " + path.toStdString());
            ++written;
            std::cout << "wrote " << path.toStdString() << '\n';
        };
        {
            test::AuditorDriver d;
            d.auditor().record()->clearRecentRecords();
            shot(d, QStringLiteral("open"));
            d.openByPath(records.good);
            d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; });
            // The authority's published key as the trust anchor (the demo writes it).
            d.click(QStringLiteral("authorityAnchorField"));
            d.type(dir.path() + QStringLiteral("/election/authority.pub"));
            d.click(QStringLiteral("authorityTrustButton"));
            d.click(QStringLiteral("tab-verify"));
            d.click(QStringLiteral("verifyButton"));
            d.waitForVerdict();
            d.click(QStringLiteral("tab-overview"));
            shot(d, QStringLiteral("overview"));
            d.click(QStringLiteral("tab-verify"));
            shot(d, QStringLiteral("verify-passed"));
            d.click(QStringLiteral("tab-results"));
            shot(d, QStringLiteral("results"));
            d.click(QStringLiteral("tab-anchors"));
            shot(d, QStringLiteral("anchors"));
            d.click(QStringLiteral("tab-lookup"));
            const QString code = test::first_challenged_code(records.good);
            d.click(QStringLiteral("lookupField"));
            d.type(code);
            d.click(QStringLiteral("lookupButton"));
            d.waitUntil([&] { return !d.auditor().tracking()->searching(); });
            shot(d, QStringLiteral("lookup"));
        }
        {
            test::AuditorDriver d;
            d.openByPath(records.tampered);
            d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; });
            d.click(QStringLiteral("tab-verify"));
            d.click(QStringLiteral("verifyButton"));
            d.waitForVerdict();
            shot(d, QStringLiteral("verify-failed"));
            d.click(QStringLiteral("tab-overview"));
            shot(d, QStringLiteral("overview-failed"));
        }
    } catch (const std::exception& e) {
        std::cerr << "auditor_screenshots: " << e.what() << '\n';
        return 1;
    }
    std::cout << written << " screenshots written\n";
    return 0;
}
