#include "qr_image_provider.hpp"

#include <qrencode.h>

#include <QUrl>
#include <algorithm>
#include <memory>

namespace psephos::ui {

QImage render_qr_code(const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(utf8.constData(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) return {};
    constexpr int quiet = 4;
    const int width = code->width;
    QImage image(width + 2 * quiet, width + 2 * quiet, QImage::Format_Grayscale8);
    image.fill(255);
    for (int y = 0; y < width; ++y)
        for (int x = 0; x < width; ++x)
            if (code->data[y * width + x] & 1) image.setPixel(x + quiet, y + quiet, qRgb(0, 0, 0));
    return image;
}

QImage QrImageProvider::requestImage(const QString& id, QSize* size, const QSize& requested) {
    QImage image = render_qr_code(QUrl::fromPercentEncoding(id.toUtf8()));
    if (image.isNull()) return image;
    const int target = std::max({requested.width(), requested.height(), image.width()});
    const int scale = std::max(1, target / image.width());
    image = image.scaled(image.width() * scale, image.height() * scale, Qt::IgnoreAspectRatio,
                         Qt::FastTransformation);
    if (size) *size = image.size();
    return image;
}

}  // namespace psephos::ui
