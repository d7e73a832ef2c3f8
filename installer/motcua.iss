; Inno Setup 6 script for Một Cửa Offline (Windows 10 1809+ / 11, 64-bit).
; Build:  iscc /DAppVersion=0.1.0 installer\motcua.iss      (after pyinstaller installer\motcua.spec)
; The version comes from pyproject.toml through the command line; it is never typed here.
; Saved as UTF-8 with BOM so the Vietnamese texts below survive.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=x.y.z installer\motcua.iss
#endif
#ifndef DistDir
  #define DistDir "..\dist\MotCuaOffline"
#endif

#define AppName "Một Cửa Offline"
#define AppExe "MotCuaOffline.exe"
#define ConsoleExe "MotCuaOffline-console.exe"

[Setup]
; A stable id (not a version): upgrades replace the same installation.
AppId=MotCuaOffline
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Một Cửa Offline
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\MotCuaOffline
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install by default (no administrator needed on a commune PC); an administrator may install
; for all users from the command line: MotCuaOffline-x.y.z-setup.exe /ALLUSERS
; (no override dialog: its texts differ between Inno Setup 6 releases and could not all be translated here).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\dist
OutputBaseFilename=MotCuaOffline-{#AppVersion}-setup
SetupIconFile=..\resources\icons\motcua.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes

[Languages]
; Inno Setup 6 installs no Vietnamese.isl: Vietnamese is only among the user-contributed translations
; (issrc Files/Languages/Unofficial, not part of the Inno Setup installer), so "compiler:Languages\Vietnamese.isl"
; would not compile on a stock build machine. Default.isl is the base; the texts an officer sees are overridden
; below (anything rarer stays in English rather than failing the build).
Name: "vi"; MessagesFile: "compiler:Default.isl"

[LangOptions]
LanguageName=Tiếng Việt
LanguageID=$042A

[Messages]
SetupAppTitle=Cài đặt
SetupWindowTitle=Cài đặt - %1
UninstallAppTitle=Gỡ cài đặt
UninstallAppFullTitle=Gỡ cài đặt %1
ButtonBack=< &Quay lại
ButtonNext=&Tiếp theo >
ButtonInstall=&Cài đặt
ButtonOK=Đồng ý
ButtonCancel=Hủy
ButtonYes=&Có
ButtonYesToAll=Có với &tất cả
ButtonNo=&Không
ButtonNoToAll=K&hông với tất cả
ButtonFinish=&Hoàn tất
ButtonBrowse=&Chọn thư mục...
ButtonWizardBrowse=C&họn thư mục...
ExitSetupTitle=Thoát cài đặt
ExitSetupMessage=Cài đặt chưa xong. Nếu thoát bây giờ, phần mềm sẽ không được cài.%n%nBạn có thể chạy lại trình cài đặt sau.%n%nThoát cài đặt?
WelcomeLabel1=Chào mừng đến với trình cài đặt [name]
WelcomeLabel2=Trình này sẽ cài [name/ver] vào máy tính.%n%nNên đóng các chương trình khác trước khi tiếp tục.
WizardSelectDir=Chọn thư mục cài đặt
SelectDirDesc=Cài [name] vào đâu?
SelectDirLabel3=Phần mềm [name] sẽ được cài vào thư mục sau.
SelectDirBrowseLabel=Bấm Tiếp theo để tiếp tục. Muốn chọn thư mục khác, bấm Chọn thư mục.
DiskSpaceMBLabel=Cần ít nhất [mb] MB dung lượng trống.
WizardSelectTasks=Chọn tác vụ bổ sung
SelectTasksDesc=Bạn muốn trình cài đặt làm thêm những gì?
SelectTasksLabel2=Chọn các tác vụ bổ sung khi cài [name], rồi bấm Tiếp theo.
WizardReady=Sẵn sàng cài đặt
ReadyLabel1=Trình cài đặt đã sẵn sàng cài [name] vào máy tính.
ReadyLabel2a=Bấm Cài đặt để bắt đầu, hoặc Quay lại để xem lại lựa chọn.
ReadyLabel2b=Bấm Cài đặt để bắt đầu.
ReadyMemoDir=Thư mục cài đặt:
ReadyMemoTasks=Tác vụ bổ sung:
WizardPreparing=Đang chuẩn bị
PreparingDesc=Đang chuẩn bị cài [name] vào máy tính.
ApplicationsFound=Các chương trình sau đang dùng tệp cần cập nhật. Nên để trình cài đặt tự đóng các chương trình này.
ApplicationsFound2=Các chương trình sau đang dùng tệp cần cập nhật. Nên để trình cài đặt tự đóng các chương trình này. Cài xong, trình cài đặt sẽ thử mở lại chúng.
CloseApplications=&Tự động đóng các chương trình
DontCloseApplications=&Không đóng các chương trình
ErrorCloseApplications=Trình cài đặt không tự đóng được mọi chương trình. Nên đóng các chương trình đang dùng tệp cần cập nhật trước khi tiếp tục.
StatusClosingApplications=Đang đóng các chương trình...
StatusRestartingApplications=Đang mở lại các chương trình...
WinVersionTooLowError=Phần mềm cần %1 phiên bản %2 trở lên.
OnlyOnTheseArchitectures=Phần mềm chỉ cài được trên Windows dành cho loại bộ xử lý sau:%n%n%1
SetupAborted=Chưa cài xong.%n%nHãy khắc phục sự cố rồi chạy lại trình cài đặt.
UninstallAppRunningError=Phần mềm %1 đang chạy.%n%nHãy đóng phần mềm rồi bấm Đồng ý để tiếp tục, hoặc Hủy để thoát.
DirExistsTitle=Thư mục đã có
DirExists=Thư mục:%n%n%1%n%nđã có. Vẫn cài vào thư mục này?
WizardInstalling=Đang cài đặt
InstallingLabel=Vui lòng chờ trong khi [name] được cài vào máy tính.
FinishedHeadingLabel=Đã cài xong [name]
FinishedLabelNoIcons=Đã cài [name] vào máy tính.
FinishedLabel=Đã cài [name] vào máy tính. Mở phần mềm bằng biểu tượng vừa tạo.
ClickFinish=Bấm Hoàn tất để đóng trình cài đặt.
StatusExtractFiles=Đang chép tệp...
StatusCreateIcons=Đang tạo lối tắt...
StatusUninstalling=Đang gỡ %1...
ConfirmUninstall=Gỡ %1 khỏi máy tính?%n%nDữ liệu hồ sơ và các bản sao lưu KHÔNG bị xóa.
UninstalledAll=Đã gỡ %1 khỏi máy tính.
UninstallStatusLabel=Vui lòng chờ trong khi %1 được gỡ khỏi máy tính.
RunEntryExec=Mở %1

[CustomMessages]
vi.CreateDesktopIcon=Tạo biểu tượng trên màn hình &Desktop
vi.AdditionalIcons=Biểu tượng bổ sung:
vi.LaunchProgram=Mở %1 ngay
vi.ConsoleShortcut=Công cụ dòng lệnh (sao lưu, khôi phục, tự kiểm tra)
vi.UninstallShortcut=Gỡ cài đặt %1
vi.DataKept=Dữ liệu hồ sơ, bản sao lưu và nhật ký vẫn được giữ trong thư mục:%n%1%n%nNếu không cần nữa, hãy sao lưu rồi tự xóa thư mục này.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:ConsoleShortcut}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#ConsoleExe}"" --help"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallShortcut,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for the data folder: %LOCALAPPDATA%\MotCuaOffline (database, backups, logs,
; crash files) is the commune's record and survives uninstalling and reinstalling.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\MotCuaOffline')]),
      mbInformation, MB_OK);
end;
