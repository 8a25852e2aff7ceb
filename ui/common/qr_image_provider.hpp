// QR codes for QML: `image://qr/<text>` draws <text> (URL-decoded) as a QR code with libqrencode
// (error correction M, 8-bit mode), black modules on white with a 4-module quiet zone, scaled by
// whole pixels to the requested size.
#pragma once

#include <QImage>
#include <QQuickImageProvider>

namespace psephos::ui {

// The QR code of text, one pixel per module plus the quiet zone; a null image if it cannot be
// encoded.
QImage render_qr_code(const QString& text);

class QrImageProvider : public QQuickImageProvider {
public:
    QrImageProvider() : QQuickImageProvider(QQuickImageProvider::Image) {}
    QImage requestImage(const QString& id, QSize* size, const QSize& requested) override;
};

}  // namespace psephos::ui
