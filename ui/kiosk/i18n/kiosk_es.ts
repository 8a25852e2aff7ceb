<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>AccessBar</name>
    <message>
        <location filename="../qml/AccessBar.qml" line="+43"/>
        <source>Text size %1 of %2</source>
        <translation>Tamaño del texto %1 de %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Makes the text on the screen larger or smaller.</source>
        <translation>Agranda o reduce el texto de la pantalla.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Changes the colors and contrast of the screen.</source>
        <translation>Cambia los colores y el contraste de la pantalla.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Audio on</source>
        <translation>Audio activado</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Audio off</source>
        <translation>Audio desactivado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reads the ballot aloud through the headphones.</source>
        <translation>Lee la boleta en voz alta por los audífonos.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Audio only (blank screen)</source>
        <translation>Solo audio (pantalla apagada)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blanks the screen for privacy; vote with the headphones and the keypad.</source>
        <translation>Apaga la pantalla para proteger su privacidad; vote con los audífonos y el teclado.</translation>
    </message>
</context>
<context>
    <name>ChallengedScreen</name>
    <message>
        <location filename="../qml/ChallengedScreen.qml" line="+40"/>
        <source>Your ballot was challenged and will not be counted</source>
        <translation>Su boleta fue impugnada y no se contará</translation>
    </message>
    <message>
        <source>Tracking code of the challenged ballot</source>
        <translation type="vanished">Código de seguimiento de la boleta impugnada</translation>
    </message>
    <message>
        <source>The kiosk revealed the secret numbers (nonces) it used to encrypt this ballot. With them, the encrypted ballot was opened again; it contains the choices below. They should match what you marked. If they do not, tell a poll worker.</source>
        <translation type="vanished">El quiosco reveló los números secretos (nonces) que usó para cifrar esta boleta. Con ellos se volvió a abrir la boleta cifrada, que contiene las selecciones que aparecen abajo. Deben coincidir con lo que usted marcó. Si no coinciden, avise a un trabajador electoral.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Tracking code of the challenged ballot: it must be the code shown before you chose to challenge</source>
        <translation>Código de seguimiento de la boleta impugnada: debe ser el código mostrado antes de que eligiera impugnar</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The kiosk revealed the secret numbers (nonces) it used to encrypt this ballot. With them, the encrypted ballot was opened again; it contains the choices below. They should match what you marked. If they do not, or if the code differs from the one you noted, tell a poll worker. You can also look this code up on the election&apos;s public record, where the challenged ballot is published and anyone can check it.</source>
        <translation>El quiosco reveló los números secretos (nonces) que usó para cifrar esta boleta. Con ellos se volvió a abrir la boleta cifrada; contiene las opciones de abajo. Deben coincidir con lo que usted marcó. Si no coinciden, o si el código difiere del que anotó, avise a un trabajador electoral. También puede buscar este código en el registro público de la elección, donde la boleta impugnada se publica y cualquiera puede comprobarla.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>No selection</source>
        <translation>Ninguna selección</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Vote again</source>
        <translation>Votar de nuevo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start a new ballot. Nothing from the challenged ballot is kept.</source>
        <translation>Comenzar una boleta nueva. No se guarda nada de la boleta impugnada.</translation>
    </message>
</context>
<context>
    <name>ContestScreen</name>
    <message>
        <location filename="../qml/ContestScreen.qml" line="+49"/>
        <source>Contest %1 of %2</source>
        <translation>Contienda %1 de %2</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to the previous contest.</source>
        <translation>Ir a la contienda anterior.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Review my ballot</source>
        <translation>Revisar mi boleta</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next</source>
        <translation>Siguiente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>See all your choices before you cast your ballot.</source>
        <translation>Vea todas sus selecciones antes de emitir su boleta.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to the next contest.</source>
        <translation>Ir a la siguiente contienda.</translation>
    </message>
</context>
<context>
    <name>ErrorScreen</name>
    <message>
        <location filename="../qml/ErrorScreen.qml" line="+29"/>
        <source>This kiosk cannot take ballots</source>
        <translation>Este quiosco no puede recibir boletas</translation>
    </message>
</context>
<context>
    <name>IdleScreen</name>
    <message>
        <location filename="../qml/IdleScreen.qml" line="+47"/>
        <source>This kiosk has no link to its station. Please ask a poll worker.</source>
        <translation>Este quiosco no tiene conexión con su estación. Pida ayuda a un trabajador electoral.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Polls are closed.</source>
        <translation>La votación está cerrada.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Polls are not open yet.</source>
        <translation>La votación aún no está abierta.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Voting is paused.</source>
        <translation>La votación está en pausa.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Please ask a poll worker to start your voting session.</source>
        <translation>Pida a un trabajador electoral que inicie su sesión de votación.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Poll worker</source>
        <translation>Trabajador electoral</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>For poll workers: unlock the kiosk with the passphrase.</source>
        <translation>Para trabajadores electorales: desbloquee el quiosco con la frase de contraseña.</translation>
    </message>
</context>
<context>
    <name>LedgerErrorScreen</name>
    <message>
        <location filename="../qml/LedgerErrorScreen.qml" line="+36"/>
        <source>Your ballot could NOT be confirmed</source>
        <translation>NO se pudo confirmar su boleta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your ballot was NOT cast</source>
        <translation>Su boleta NO fue emitida</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Please call a poll worker.</source>
        <translation>Llame a un trabajador electoral.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Poll worker: acknowledge</source>
        <translation>Trabajador electoral: confirmar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>For poll workers: confirm that you have seen this error.</source>
        <translation>Para trabajadores electorales: confirme que vio este error.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../qml/Main.qml" line="+18"/>
        <source>Voting kiosk</source>
        <translation>Quiosco de votación</translation>
    </message>
    <message>
        <location line="+162"/>
        <source>Audio ballot: screen blanked for privacy</source>
        <translation>Boleta de audio: pantalla apagada para proteger su privacidad</translation>
    </message>
</context>
<context>
    <name>NotConfirmedScreen</name>
    <message>
        <location filename="../qml/NotConfirmedScreen.qml" line="+32"/>
        <source>Not confirmed yet — please wait</source>
        <translation>Aún no confirmado — espere, por favor</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The kiosk lost its connection to the polling place&apos;s station while recording your ballot. It is asking the station whether your ballot was recorded, and will show your receipt. Please do not vote again.</source>
        <translation>El quiosco perdió la conexión con la estación del centro de votación mientras registraba su boleta. Está preguntando a la estación si su boleta quedó registrada y le mostrará su comprobante. Por favor, no vuelva a votar.</translation>
    </message>
</context>
<context>
    <name>PollWorkerScreen</name>
    <message>
        <location filename="../qml/PollWorkerScreen.qml" line="+18"/>
        <source>Not opened</source>
        <translation>Sin abrir</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>Abierta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paused</source>
        <translation>En pausa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed</source>
        <translation>Cerrada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown (no link to the station)</source>
        <translation>Desconocido (sin conexión con la estación)</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Poll worker</source>
        <translation>Trabajador electoral</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Unlocked by %1</source>
        <translation>Desbloqueado por %1</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Election</source>
        <translation>Elección</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>District</source>
        <translation>Distrito</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Polls</source>
        <translation>Votación</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ballots cast</source>
        <translation>Boletas emitidas</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ballots challenged</source>
        <translation>Boletas impugnadas</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ledger</source>
        <translation>Registro</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Station link</source>
        <translation>Conexión con la estación</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Disk free</source>
        <translation>Espacio libre en disco</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Battery</source>
        <translation>Batería</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last checkpoint</source>
        <translation>Último punto de control</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Open polls</source>
        <translation>Abrir la votación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the polls and show the zero report.</source>
        <translation>Abrir la votación y mostrar el informe de ceros.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Start a voter session</source>
        <translation>Iniciar una sesión de votante</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hand the kiosk to the next voter.</source>
        <translation>Pasar el quiosco al siguiente votante.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Pause voting</source>
        <translation>Pausar la votación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop taking ballots for a while; the polls stay open.</source>
        <translation>Dejar de recibir boletas por un tiempo; la votación sigue abierta.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Resume voting</source>
        <translation>Reanudar la votación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Take ballots again.</source>
        <translation>Volver a recibir boletas.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Close polls</source>
        <translation>Cerrar la votación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close the polls for good and show the closing report.</source>
        <translation>Cerrar la votación definitivamente y mostrar el informe de cierre.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Finish this kiosk</source>
        <translation>Terminar este quiosco</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>End voting on this kiosk for the day and send its count to the station.</source>
        <translation>Terminar la votación del día en este quiosco y enviar su recuento a la estación.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Yes, finish this kiosk</source>
        <translation>Sí, terminar este quiosco</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No more ballots on this kiosk today.</source>
        <translation>No se emitirán más boletas en este quiosco hoy.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Do not finish</source>
        <translation>No terminar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep this kiosk taking voters.</source>
        <translation>Seguir atendiendo votantes en este quiosco.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Yes, close the polls</source>
        <translation>Sí, cerrar la votación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close the polls for good: no more ballots can be cast in this district.</source>
        <translation>Cerrar la votación definitivamente: no se podrán emitir más boletas en este distrito.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Do not close</source>
        <translation>No cerrar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep the polls as they are.</source>
        <translation>Dejar la votación como está.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Lock</source>
        <translation>Bloquear</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lock the kiosk and go back to the waiting screen.</source>
        <translation>Bloquear el quiosco y volver a la pantalla de espera.</translation>
    </message>
</context>
<context>
    <name>ReceiptScreen</name>
    <message>
        <location filename="../qml/ReceiptScreen.qml" line="+31"/>
        <source>Your ballot was cast</source>
        <translation>Su boleta fue emitida</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Your tracking code</source>
        <translation>Su código de seguimiento</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>QR code of your tracking code</source>
        <translation>Código QR de su código de seguimiento</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Write down this tracking code or scan the QR code. Later you can look it up on the election&apos;s public website to check that your ballot was recorded as cast. The code does not show how you voted.</source>
        <translation>Anote este código de seguimiento o escanee el código QR. Más adelante podrá buscarlo en el sitio web público de la elección para comprobar que su boleta quedó registrada como emitida. El código no muestra cómo votó.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your signed receipt is ready (%1). Ask a poll worker for your copy: it proves that the ledger recorded your ballot, even if the ballot later disappears from the published record.</source>
        <translation>Su recibo firmado está listo (%1). Pida su copia a un miembro de la mesa: prueba que el registro guardó su boleta, aunque la boleta desaparezca después del registro publicado.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Done</source>
        <translation>Listo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finish and leave the kiosk for the next voter.</source>
        <translation>Terminar y dejar el quiosco para el siguiente votante.</translation>
    </message>
</context>
<context>
    <name>ReportScreen</name>
    <message>
        <location filename="../qml/ReportScreen.qml" line="+52"/>
        <source>Ballots cast</source>
        <translation>Boletas emitidas</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Ballots challenged</source>
        <translation>Boletas impugnadas</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Ledger record</source>
        <translation>Entrada del registro</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>District checkpoint</source>
        <translation>Punto de control del distrito</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Done</source>
        <translation>Listo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close the report and go back to the poll worker screen.</source>
        <translation>Cerrar el informe y volver a la pantalla del trabajador electoral.</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../qml/ReviewScreen.qml" line="+66"/>
        <source>Review your ballot</source>
        <translation>Revise su boleta</translation>
    </message>
    <message>
        <location line="+48"/>
        <location line="+18"/>
        <source>No selection</source>
        <translation>Ninguna selección</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Change</source>
        <translation>Cambiar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change %1</source>
        <translation>Cambiar %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Now marked: %1</source>
        <translation>Selección actual: %1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Continue: encrypt my ballot</source>
        <translation>Continuar: cifrar mi boleta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The kiosk encrypts your ballot and shows its tracking code. Then you choose to cast it or to check it.</source>
        <translation>El quiosco cifra su boleta y muestra su código de seguimiento. Después usted elige emitirla o comprobarla.</translation>
    </message>
    <message>
        <source>Challenge is optional. It lets you check that the kiosk encrypted your choices correctly: the kiosk reveals how it encrypted this ballot and shows you what the encryption contains. A challenged ballot is never counted; you then vote again.</source>
        <translation type="vanished">Impugnar es opcional. Le permite comprobar que el quiosco cifró correctamente sus selecciones: el quiosco revela cómo cifró esta boleta y le muestra lo que contiene el cifrado. Una boleta impugnada nunca se cuenta; después usted vuelve a votar.</translation>
    </message>
    <message>
        <source>Challenge (check the encryption, then vote again)</source>
        <translation type="vanished">Impugnar (verificar el cifrado y volver a votar)</translation>
    </message>
    <message>
        <source>This ballot will not be counted. You will see what its encryption contains, then vote again.</source>
        <translation type="vanished">Esta boleta no se contará. Verá lo que contiene su cifrado y luego votará de nuevo.</translation>
    </message>
    <message>
        <source>Cast my ballot</source>
        <translation type="vanished">Emitir mi boleta</translation>
    </message>
    <message>
        <source>Record your ballot. You cannot change it afterwards.</source>
        <translation type="vanished">Registrar su boleta. Después no podrá cambiarla.</translation>
    </message>
</context>
<context>
    <name>SealedScreen</name>
    <message>
        <location filename="../qml/SealedScreen.qml" line="+50"/>
        <source>Your ballot is encrypted: note its tracking code</source>
        <translation>Su boleta está cifrada: anote su código de seguimiento</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Tracking code of this ballot</source>
        <translation>Código de seguimiento de esta boleta</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>QR code of the tracking code</source>
        <translation>Código QR del código de seguimiento</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Write down or photograph this code now, before you choose. Cast records your ballot and counts it. Challenge is optional: the kiosk reveals what this ballot contains so you can check it; a challenged ballot shows this same code, is never counted, and you then vote again. If the code shown after a challenge differs, tell a poll worker.</source>
        <translation>Anote o fotografíe este código ahora, antes de elegir. Emitir registra su boleta y la cuenta. Impugnar es opcional: el quiosco revela lo que contiene esta boleta para que pueda comprobarlo; una boleta impugnada muestra este mismo código, nunca se cuenta, y luego vota de nuevo. Si el código mostrado tras una impugnación es distinto, avise a un trabajador electoral.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Challenge (check this ballot, then vote again)</source>
        <translation>Impugnar (comprobar esta boleta y votar de nuevo)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This ballot will not be counted. You will see what it contains, then vote again.</source>
        <translation>Esta boleta no se contará. Verá lo que contiene y luego votará de nuevo.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Change my choices</source>
        <translation>Cambiar mis opciones</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This encrypted ballot is thrown away; you get a new one after your changes.</source>
        <translation>Esta boleta cifrada se descarta; recibirá una nueva después de sus cambios.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cast this ballot</source>
        <translation>Emitir esta boleta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record your ballot. You cannot change it afterwards.</source>
        <translation>Registrar su boleta. No podrá cambiarla después.</translation>
    </message>
</context>
<context>
    <name>UnlockScreen</name>
    <message>
        <location filename="../qml/UnlockScreen.qml" line="+38"/>
        <source>Second poll worker: passphrase to close the polls</source>
        <translation>Segundo trabajador electoral: frase de contraseña para cerrar la votación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Poll worker passphrase</source>
        <translation>Frase de contraseña del trabajador electoral</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>A second poll worker types their own passphrase, then presses Enter or Close the polls.</source>
        <translation>Un segundo trabajador electoral escribe su propia frase de contraseña y luego presiona Enter o Cerrar la votación.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type the passphrase, then press Enter or Unlock.</source>
        <translation>Escriba la frase de contraseña y presione Enter o Desbloquear.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go back without closing the polls.</source>
        <translation>Volver sin cerrar la votación.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go back without unlocking.</source>
        <translation>Volver sin desbloquear.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Unlock</source>
        <translation>Desbloquear</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close the polls</source>
        <translation>Cerrar la votación</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check the second passphrase and close the polls for good.</source>
        <translation>Comprobar la segunda frase de contraseña y cerrar la votación definitivamente.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the passphrase and open the poll worker screen.</source>
        <translation>Comprobar la frase de contraseña y abrir la pantalla del trabajador electoral.</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <location filename="../qml/WelcomeScreen.qml" line="+31"/>
        <source>Welcome</source>
        <translation>Le damos la bienvenida</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>You can change the text size, the contrast, the language and the audio at any time with the buttons at the top of the screen.</source>
        <translation>Puede cambiar el tamaño del texto, el contraste, el idioma y el audio en cualquier momento con los botones de la parte superior de la pantalla.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Start voting</source>
        <translation>Comenzar a votar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the first contest on your ballot.</source>
        <translation>Mostrar la primera contienda de su boleta.</translation>
    </message>
</context>
<context>
    <name>WorkingScreen</name>
    <message>
        <location filename="../qml/WorkingScreen.qml" line="+28"/>
        <source>Working</source>
        <translation>Procesando</translation>
    </message>
</context>
<context>
    <name>psephos::ui::KioskAccess</name>
    <message>
        <location filename="../kiosk_access.cpp" line="+58"/>
        <source>Standard</source>
        <translation>Estándar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>High contrast light</source>
        <translation>Alto contraste claro</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>High contrast dark</source>
        <translation>Alto contraste oscuro</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yellow on black</source>
        <translation>Amarillo sobre negro</translation>
    </message>
</context>
<context>
    <name>psephos::ui::KioskBallot</name>
    <message>
        <location filename="../kiosk_ballot.cpp" line="+72"/>
        <source>Vote Yes or No.</source>
        <translation>Vote Sí o No.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vote for one.</source>
        <translation>Vote por uno.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vote for up to %1.</source>
        <translation>Vote por hasta %1.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 selected.</source>
        <translation>%1 seleccionado.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 not selected.</source>
        <translation>%1 no seleccionado.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You have already chosen %1, the most this contest allows. To choose %2, first remove one of your choices.</source>
        <translation>Ya eligió %1, el máximo que permite esta contienda. Para elegir %2, primero quite una de sus selecciones.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>You did not vote in this contest.</source>
        <translation>No votó en esta contienda.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You may choose %1 more.</source>
        <translation>Puede elegir %1 más.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Encrypting your ballot. Please wait…</source>
        <translation>Cifrando su boleta. Espere, por favor…</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The kiosk could not encrypt the ballot: %1</source>
        <translation>El quiosco no pudo cifrar la boleta: %1</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Recording your challenged ballot. Please wait…</source>
        <translation>Registrando su boleta impugnada. Espere, por favor…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recording your ballot. Please wait…</source>
        <translation>Registrando su boleta. Espere, por favor…</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>The ledger did not record the ballot: %1</source>
        <translation>El registro no guardó la boleta: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ballot %1 may or may not have been recorded. No one can vote on this kiosk until it is restarted; at its restart the kiosk looks the ballot up and tells the poll worker whether it was cast. The voter must not vote again until then.

What happened: %2</source>
        <translation>La boleta %1 puede haber quedado registrada o no. Nadie puede votar en este quiosco hasta que se reinicie; al reiniciarse, el quiosco busca la boleta e informa al trabajador electoral si fue emitida. El votante no debe votar de nuevo hasta entonces.

Qué pasó: %2</translation>
    </message>
</context>
<context>
    <name>psephos::ui::KioskController</name>
    <message>
        <location filename="../kiosk_controller.cpp" line="+77"/>
        <source>Ballot %1, whose recording failed before the restart, WAS recorded (%2 #%3): its voter has voted and must not vote again.</source>
        <translation>La boleta %1, cuyo registro falló antes del reinicio, SÍ quedó registrada (%2 n.º %3): su votante ya votó y no debe votar de nuevo.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ballot %1, whose recording failed before the restart, was NOT recorded: its voter may vote again.</source>
        <translation>La boleta %1, cuyo registro falló antes del reinicio, NO quedó registrada: su votante puede votar de nuevo.</translation>
    </message>
    <message>
        <location filename="../kiosk_link.cpp" line="+42"/>
        <source>Ledger in this kiosk</source>
        <translation>Registro en este quiosco</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Station: connecting…</source>
        <translation>Estación: conectando…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Station: online</source>
        <translation>Estación: conectada</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Station: offline, reconnecting in %1 s (%2)</source>
        <translation>Estación: sin conexión, reintento en %1 s (%2)</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>no ballot was in flight</source>
        <translation>no había ninguna boleta en tránsito</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Your challenged ballot %1 was recorded; it is not counted. A poll worker starts a new session for you.</source>
        <translation>Su boleta impugnada %1 quedó registrada; no se cuenta. Un trabajador electoral le abrirá una nueva sesión.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ballot %1 was NOT recorded: the station refused it when the kiosk sent it again (%2). The voter may vote again.</source>
        <translation>La boleta %1 NO quedó registrada: la estación la rechazó cuando el quiosco la envió de nuevo (%2). El votante puede volver a votar.</translation>
    </message>
    <message>
        <location filename="../kiosk_accessibility.cpp" line="+78"/>
        <source>Continue: encrypt my ballot and show its tracking code. Press Enter to continue.</source>
        <translation>Continuar: cifrar mi boleta y mostrar su código de seguimiento. Presione Enter para continuar.</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Use up and down to choose a contest to change, or Continue to encrypt your ballot.</source>
        <translation>Use arriba y abajo para elegir una contienda que cambiar, o Continuar para cifrar su boleta.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your ballot is encrypted. Its tracking code is %1. Write it down now. Then cast this ballot, or challenge it to see what it contains: a challenged ballot shows this same code, is not counted, and you vote again.</source>
        <translation>Su boleta está cifrada. Su código de seguimiento es %1. Anótelo ahora. Después emita esta boleta, o impúgnela para ver lo que contiene: una boleta impugnada muestra este mismo código, no se cuenta, y usted vota de nuevo.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Your ballot was challenged and will not be counted. Its tracking code is %1: check that it is the code shown before you chose.</source>
        <translation>Su boleta fue impugnada y no se contará. Su código de seguimiento es %1: compruebe que es el código mostrado antes de que eligiera.</translation>
    </message>
    <message>
        <source>Encrypting and recording your challenged ballot. Please wait…</source>
        <translation type="vanished">Cifrando y registrando su boleta impugnada. Espere un momento…</translation>
    </message>
    <message>
        <source>Encrypting and recording your ballot. Please wait…</source>
        <translation type="vanished">Cifrando y registrando su boleta. Espere un momento…</translation>
    </message>
    <message>
        <location line="-120"/>
        <source>%1 of %2: %3, %4.</source>
        <translation>%1 de %2: %3, %4.</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+88"/>
        <source>selected</source>
        <translation>seleccionado</translation>
    </message>
    <message>
        <location line="-88"/>
        <location line="+88"/>
        <source>not selected</source>
        <translation>no seleccionado</translation>
    </message>
    <message>
        <location line="-86"/>
        <source>Cast this ballot. Press Enter to cast.</source>
        <translation>Emitir esta boleta. Presione Enter para emitir.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Challenge this ballot: see what it contains, then vote again. Press Enter to challenge.</source>
        <translation>Impugnar esta boleta: ver lo que contiene y votar de nuevo. Presione Enter para impugnar.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change my choices. Press Enter to change.</source>
        <translation>Cambiar mis opciones. Presione Enter para cambiar.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: %2. Press Enter to change.</source>
        <translation>%1: %2. Presione Enter para cambiar.</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+87"/>
        <location line="+24"/>
        <source>no selection</source>
        <translation>ninguna selección</translation>
    </message>
    <message>
        <source>Cast my ballot. Press Enter to cast.</source>
        <translation type="vanished">Emitir mi boleta. Presione Enter para emitirla.</translation>
    </message>
    <message>
        <source>Challenge this ballot. Press Enter to challenge.</source>
        <translation type="vanished">Impugnar esta boleta. Presione Enter para impugnarla.</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>Welcome. %1. Press Enter to start voting. Use plus and minus to change the text size, Home to hear a screen again.</source>
        <translation>Le damos la bienvenida. %1. Presione Enter para comenzar a votar. Use las teclas más y menos para cambiar el tamaño del texto, e Inicio para volver a escuchar una pantalla.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Contest %1 of %2.</source>
        <translation>Contienda %1 de %2.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: %2, %3.</source>
        <translation>%1: %2, %3.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Use up and down to move, Enter to select, right for the next contest, left for the previous one.</source>
        <translation>Use las teclas arriba y abajo para moverse, Enter para seleccionar, derecha para ir a la siguiente contienda e izquierda para volver a la anterior.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Review your ballot.</source>
        <translation>Revise su boleta.</translation>
    </message>
    <message>
        <source>Use up and down to choose a contest to change, or Cast my ballot.</source>
        <translation type="vanished">Use las teclas arriba y abajo para elegir la contienda que desea cambiar, o Emitir mi boleta.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Your ballot was cast. Your tracking code is %1.</source>
        <translation>Su boleta fue emitida. Su código de seguimiento es %1.</translation>
    </message>
    <message>
        <source>Your ballot was challenged and will not be counted.</source>
        <translation type="vanished">Su boleta fue impugnada y no se contará.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Press Enter to vote again.</source>
        <translation>Presione Enter para votar de nuevo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Please ask a poll worker to start your voting session.</source>
        <translation>Pida a un trabajador electoral que inicie su sesión de votación.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your ballot was not cast. Please call a poll worker.</source>
        <translation>Su boleta no fue emitida. Llame a un trabajador electoral.</translation>
    </message>
</context>
<context>
    <name>psephos::ui::KioskPollWorker</name>
    <message>
        <location filename="../kiosk_poll_worker.cpp" line="+62"/>
        <source>%1% (battery %2)</source>
        <translation>%1% (batería %2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no battery found (mains power)</source>
        <translation>no se encontró batería (alimentación de red)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>at the station; district log size %1</source>
        <translation>en la estación; tamaño del registro del distrito %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ledger open; the district log is empty</source>
        <translation>registro abierto; la bitácora del distrito está vacía</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ledger open; district log size %1, root %2…</source>
        <translation>registro abierto; tamaño de la bitácora del distrito %1, raíz %2…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 GB free</source>
        <translation>%1 GB libres</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>%1 may not do this: it needs the role &apos;%2&apos;, which this poll worker does not have.</source>
        <translation>%1 no puede hacer esto: requiere el rol &apos;%2&apos;, que este trabajador electoral no tiene.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The attempt was not checked: %1</source>
        <translation>El intento no se comprobó: %1</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>This poll worker</source>
        <translation>Este trabajador electoral</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 unlocked this kiosk already: closing the polls needs a second poll worker&apos;s passphrase.</source>
        <translation>%1 ya desbloqueó este quiosco: cerrar la votación requiere la frase de contraseña de un segundo trabajador electoral.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 may not close the polls (no close role).</source>
        <translation>%1 no puede cerrar la votación (no tiene el rol de cierre).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Too many attempts: try again in %1 seconds.</source>
        <translation>Demasiados intentos: inténtelo de nuevo en %1 segundos.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Wrong passphrase. Too many attempts: try again in %1 seconds.</source>
        <translation>Frase de contraseña incorrecta. Demasiados intentos: vuelva a intentarlo en %1 segundos.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wrong passphrase.</source>
        <translation>Frase de contraseña incorrecta.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Recording in the ledger…</source>
        <translation>Guardando en el registro…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The ledger refused: %1</source>
        <translation>El registro rechazó la operación: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Polls opened: zero report</source>
        <translation>Votación abierta: informe de ceros</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Polls closed: closing report</source>
        <translation>Votación cerrada: informe de cierre</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Polls paused (record %1).</source>
        <translation>Votación en pausa (entrada %1).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Polls resumed (record %1).</source>
        <translation>Votación reanudada (entrada %1).</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Closing the polls ends voting in this district for good (%1 cast, %2 challenged so far). Close them?</source>
        <translation>Cerrar la votación termina definitivamente la votación en este distrito (%1 emitidas y %2 impugnadas hasta ahora). ¿Desea cerrarla?</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Finishing ends voting on this kiosk for good (the polls stay open on the others). Finish this kiosk?</source>
        <translation>Terminar pone fin a la votación en este quiosco de forma definitiva (las urnas siguen abiertas en los demás). ¿Terminar este quiosco?</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sending this kiosk&apos;s head to the station…</source>
        <translation>Enviando el estado final de este quiosco a la estación…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This kiosk has finished for the day (%1 ballots); %2 of %3 kiosks of the district have finished.</source>
        <translation>Este quiosco terminó por hoy (%1 boletas); %2 de %3 quioscos del distrito han terminado.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Not finished: %1</source>
        <translation>No terminado: %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No link to the station: no voter session can start (%1).</source>
        <translation>Sin conexión con la estación: no puede iniciarse ninguna sesión de votación (%1).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This kiosk has finished for the day: no voter session can start.</source>
        <translation>Este quiosco terminó por hoy: no puede comenzar ninguna sesión de votación.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Polls are not open: no voter session can start.</source>
        <translation>La votación no está abierta: no se puede iniciar ninguna sesión de votante.</translation>
    </message>
</context>
</TS>
