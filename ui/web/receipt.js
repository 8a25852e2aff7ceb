// The receipt page (docs/web.md §3): reads the tracking code, fetches each district's shard for
// it, and shows what verify.js checked (W1–W6) or the step that failed, in the page's language.
import {CheckError, findEntry, normaliseCode, shardName, verifyBallot} from './verify.js';

const messages = {
    en: {
        badCode: 'That is not a tracking code: type the 32 letters and digits printed on your receipt (dashes and spaces are optional).',
        checking: 'Checking…',
        notFound: 'No ballot with this tracking code is in the published record. Check that you typed the code exactly as printed. If it is right, tell the election authority: keep your receipt.',
        verified: 'Verified: your ballot is in the election record.',
        challenged: 'Found: this is a challenged ballot. It was opened and is not counted.',
        failed: 'NOT verified. The published record failed a check:',
        failedHelp: 'Keep your receipt and report this to the election authority, with the reason above.',
        compare: 'Compare this with the code printed on your receipt:',
        checked: 'What your browser checked:',
        w2: (r) => `W2 the ballot record is for this election and district ${r.district}, and its tracking code is computed from it (ballot ${r.ballotId}, kiosk ${r.deviceId}).`,
        w3: (r) => `W3 the checkpoint of district ${r.district} (size ${r.districtCheckpoint.size}) is signed with the district's published key.`,
        w4: (r) => `W4 the ballot is record ${r.index} of that checkpoint's tree (inclusion proof).`,
        w5: (r) => `W5 the election checkpoint (size ${r.electionCheckpoint.size}) is signed with the election log's published key.`,
        w6: (r) => `W6 the district checkpoint is leaf ${r.electionLeafIndex} of that election checkpoint's tree.`,
        anchored: (a) => `The election checkpoint is anchored on ${a.chain} (${a.kind} ${a.network}), transaction ${a.transactions.join(', ') || 'pending'}.`,
        notAnchored: 'The election checkpoint is not anchored on a public chain in this record.',
        opened: 'The challenged ballot opened to these choices (the record\'s word; psephos verify checks the opening):',
        nothing: 'no choice',
        keys: 'The keys are the ones this site publishes; compare them, on the results page, with those the election authority published.',
        fetchFailed: (path, status) => `could not fetch ${path} (${status})`,
        scan: 'Scan the QR code on the receipt',
        stopScan: 'Stop the camera',
        scanFailed: 'The camera could not be used; type the code instead.',
    },
    es: {
        badCode: 'Eso no es un código de seguimiento: escriba las 32 letras y cifras impresas en su recibo (los guiones y espacios son opcionales).',
        checking: 'Comprobando…',
        notFound: 'Ninguna papeleta con este código de seguimiento está en el registro publicado. Compruebe que escribió el código tal como está impreso. Si es correcto, avise a la autoridad electoral: guarde su recibo.',
        verified: 'Verificado: su papeleta está en el registro de la elección.',
        challenged: 'Encontrada: es una papeleta impugnada. Se abrió y no se cuenta.',
        failed: 'NO verificado. El registro publicado no pasó una comprobación:',
        failedHelp: 'Guarde su recibo y comunique esto a la autoridad electoral, con el motivo indicado.',
        compare: 'Compare esto con el código impreso en su recibo:',
        checked: 'Lo que comprobó su navegador:',
        w2: (r) => `W2 el registro de la papeleta es de esta elección y del distrito ${r.district}, y su código de seguimiento se calcula a partir de él (papeleta ${r.ballotId}, quiosco ${r.deviceId}).`,
        w3: (r) => `W3 el punto de control del distrito ${r.district} (tamaño ${r.districtCheckpoint.size}) está firmado con la clave publicada del distrito.`,
        w4: (r) => `W4 la papeleta es el registro ${r.index} del árbol de ese punto de control (prueba de inclusión).`,
        w5: (r) => `W5 el punto de control de la elección (tamaño ${r.electionCheckpoint.size}) está firmado con la clave publicada del log de la elección.`,
        w6: (r) => `W6 el punto de control del distrito es la hoja ${r.electionLeafIndex} del árbol de ese punto de control de la elección.`,
        anchored: (a) => `El punto de control de la elección está anclado en ${a.chain} (${a.kind} ${a.network}), transacción ${a.transactions.join(', ') || 'pendiente'}.`,
        notAnchored: 'El punto de control de la elección no está anclado en una cadena pública en este registro.',
        opened: 'La papeleta impugnada se abrió con estas opciones (según el registro; psephos verify comprueba la apertura):',
        nothing: 'ninguna opción',
        keys: 'Las claves son las que publica este sitio; compárelas, en la página de resultados, con las que publicó la autoridad electoral.',
        fetchFailed: (path, status) => `no se pudo descargar ${path} (${status})`,
        scan: 'Escanear el código QR del recibo',
        stopScan: 'Detener la cámara',
        scanFailed: 'No se pudo usar la cámara; escriba el código.',
    },
};

const lang = document.documentElement.lang === 'es' ? 'es' : 'en';
const t = messages[lang];
const form = document.getElementById('lookup');
const outcome = document.getElementById('outcome');
const root = form.dataset.root || '';

async function fetchJson(path) {
    const response = await fetch(root + path, {cache: 'no-cache'});
    if (response.status === 404) return null;
    if (!response.ok) throw new CheckError('W1', t.fetchFailed(path, response.status));
    try {
        return await response.json();
    } catch (e) {
        throw new CheckError('W1', `${path}: ${e.message}`);
    }
}

function element(tag, attributes, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
}

function show(kind, verdict, ...rest) {
    outcome.replaceChildren(element('p', {class: `verdict ${kind}`, 'data-verdict': kind}, verdict), ...rest);
    outcome.focus();
}

function report(result) {
    const items = [t.w2, t.w3, t.w4, t.w5, t.w6].map((w) => element('li', {}, w(result)));
    const anchors = result.anchors.length
        ? result.anchors.map((a) => element('p', {}, t.anchored(a)))
        : [element('p', {}, t.notAnchored)];
    const parts = [
        element('p', {}, t.compare, ' ', element('strong', {class: 'code', 'data-code': result.trackingCode}, result.printedCode)),
        element('p', {}, t.checked),
        element('ol', {class: 'checks'}, ...items),
        ...anchors,
        element('p', {class: 'hint'}, t.keys),
    ];
    if (result.state === 'challenged') {
        const list = element('ul', {class: 'opened'});
        for (const c of result.opened) {
            list.append(element('li', {}, `${c.contest}: ${c.selections.length ? c.selections.join(', ') : t.nothing}`));
        }
        parts.splice(1, 0, element('p', {}, t.opened), list);
    }
    show('ok', result.state === 'challenged' ? t.challenged : t.verified, ...parts);
}

async function check(typed, only) {
    const code = normaliseCode(typed);
    if (!code) {
        show('bad', t.badCode);
        return;
    }
    show('missing', t.checking);
    try {
        const site = await fetchJson('data/site.json');
        if (!site) throw new CheckError('W1', t.fetchFailed('data/site.json', 404));
        for (const district of site.districts) {
            if (district.ballots === 0 || (only && district.id !== only)) continue;
            const shard = await fetchJson(shardName(district, code));
            if (!shard) continue;
            const entry = findEntry(district, shard, code);
            if (!entry) continue;
            report(await verifyBallot(site, district, shard, entry, code));
            return;
        }
        show('missing', t.notFound);
    } catch (e) {
        const reason = e instanceof CheckError ? `${e.check}: ${e.reason}` : String(e.message || e);
        show('bad', t.failed, element('p', {class: 'reason', 'data-check': e.check || ''}, reason), element('p', {}, t.failedHelp));
    }
}

form.addEventListener('submit', (event) => {
    event.preventDefault();
    check(document.getElementById('code').value, document.getElementById('district').value);
});
// Scanning the kiosk's QR code (it holds the printed tracking code), where the browser has a
// camera and the Shape Detection API's BarcodeDetector (Chromium on Android and macOS, Safari);
// elsewhere the button is not shown and the code is typed.
if ('BarcodeDetector' in globalThis && navigator.mediaDevices?.getUserMedia) {
    const button = element('button', {type: 'button', id: 'scan'}, t.scan);
    const video = element('video', {playsinline: '', muted: '', hidden: '', 'aria-hidden': 'true'});
    form.append(button, video);
    let stream = null;
    const stop = () => {
        stream?.getTracks().forEach((track) => track.stop());
        stream = null;
        video.hidden = true;
        button.textContent = t.scan;
    };
    button.addEventListener('click', async () => {
        if (stream) return stop();
        try {
            const detector = new globalThis.BarcodeDetector({formats: ['qr_code']});
            stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: 'environment'}});
            video.srcObject = stream;
            video.hidden = false;
            button.textContent = t.stopScan;
            await video.play();
            while (stream) {
                const [found] = await detector.detect(video);
                if (found && normaliseCode(found.rawValue)) {
                    document.getElementById('code').value = found.rawValue;
                    stop();
                    check(found.rawValue, document.getElementById('district').value);
                    return;
                }
                await new Promise((resolve) => setTimeout(resolve, 250));
            }
        } catch {
            stop();
            show('bad', t.scanFailed);
        }
    });
}

// A link or QR code may carry the code and district: receipt.html?code=…&district=…
const query = new URLSearchParams(location.search);
if (query.get('code')) {
    document.getElementById('code').value = query.get('code');
    const select = document.getElementById('district');
    if ([...select.options].some((o) => o.value === query.get('district'))) select.value = query.get('district');
    check(query.get('code'), select.value);
}
