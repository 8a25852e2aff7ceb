// psephos-auditor [RECORD_DIR]: the auditor desktop (docs/auditor.md). Opens an election record,
// verifies it in the background, shows results, anchors and tracking codes.
#include <QGuiApplication>
#include <QQmlApplicationEngine>

#include <iostream>

#include "auditor_qml.hpp"

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("psephos-auditor"));
    QGuiApplication::setOrganizationName(QStringLiteral("Psephos"));
    const QStringList arguments = QGuiApplication::arguments();
    if (arguments.size() > 2 ||
        (arguments.size() == 2 && arguments[1].startsWith(QLatin1Char('-')))) {
        std::cerr << "usage: psephos-auditor [RECORD_DIR]\n";
        return arguments.size() == 2 && (arguments[1] == QStringLiteral("--help") ||
                                         arguments[1] == QStringLiteral("-h"))
                   ? 0
                   : 2;
    }
    psephos::ui::AuditorController auditor;
    if (arguments.size() == 2 && !auditor.openRecord(arguments[1]))
        std::cerr << "psephos-auditor: " << auditor.record()->loadError().toStdString() << '\n';
    QQmlApplicationEngine engine;
    psephos::ui::prepare_auditor_engine(engine, auditor);
    engine.load(QUrl(psephos::ui::auditor_main_qml));
    if (engine.rootObjects().isEmpty()) return 1;
    return QGuiApplication::exec();
}
