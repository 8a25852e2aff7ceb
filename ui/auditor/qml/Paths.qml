// Local paths and the file:// URLs the dialogs speak. The controller takes and gives local paths.
import QtQuick

QtObject {
    // A local path from a file:// URL a dialog returned.
    function localPath(url) {
        return decodeURIComponent(url.toString().replace(/^file:\/\//, ""))
    }
    // A file:// URL for a local path (each segment encoded, so '#', '?' or '%' survive).
    function fileUrl(path) {
        return "file://" + path.split("/").map(encodeURIComponent).join("/")
    }
    // The directory holding `path` ("/" for a top-level one).
    function parentOf(path) {
        const trimmed = path.replace(/\/+$/, "")
        const slash = trimmed.lastIndexOf("/")
        return slash > 0 ? trimmed.substring(0, slash) : "/"
    }
}
