site-name = Một cửa
site-tagline = Hệ thống giải quyết thủ tục hành chính
skip-link = Bỏ qua, đến nội dung chính
nav-home = Trang chủ
nav-track = Tra cứu hồ sơ
nav-kiosk = Ki-ốt
nav-staff = Cán bộ
lang-switch = Ngôn ngữ
footer-text = Hệ thống thông tin giải quyết thủ tục hành chính một cửa — chính quyền địa phương hai cấp.
footer-api = API cho nhà phát triển

home-title = Bạn cần làm thủ tục gì?
home-lead = Tìm thủ tục bằng lời của bạn, có dấu hoặc không dấu: giấy tờ cần mang, lệ phí, thời gian và nơi nộp.
search-label = Tìm thủ tục
search-hint = Ví dụ: dang ky khai sinh, chứng thực bản sao, kết hôn
search-button = Tìm
search-results = { $count ->
    [0] Không tìm thấy thủ tục nào cho “{ $q }”.
   *[other] Tìm thấy { $count } thủ tục cho “{ $q }”.
}
search-none-help = Hãy thử từ khác, hoặc hỏi cán bộ tại Trung tâm Phục vụ hành chính công gần nhất.
home-all = Tất cả thủ tục
home-stats = { $procedures } thủ tục · { $provinces } tỉnh, thành phố · { $communes } xã, phường, đặc khu
home-track-title = Đã nộp hồ sơ?
home-track-lead = Tra cứu tình trạng bằng mã hồ sơ và số điện thoại.

proc-field = Lĩnh vực
proc-level = Cấp thực hiện
proc-agency = Cơ quan giải quyết
proc-purpose = Thủ tục này dùng để làm gì
proc-steps = Các bước
proc-documents = Giấy tờ cần mang
proc-case = Trường hợp
proc-originals = Bản chính
proc-copies = Bản sao
proc-form = Mẫu
proc-optional = nếu có
proc-fees = Phí, lệ phí
proc-fee-free = Không thu phí
proc-fee-council = Do Hội đồng nhân dân tỉnh quy định
proc-time = Thời gian giải quyết
proc-channel = Cách nộp
proc-requirements = Điều kiện
proc-legal = Căn cứ pháp lý
proc-results = Kết quả
proc-where = Nơi nộp hồ sơ
proc-where-commune = Trung tâm Phục vụ hành chính công của xã, phường nơi bạn cư trú.
proc-where-boundary-free = Thủ tục này có thể nộp tại bất kỳ Trung tâm Phục vụ hành chính công nào trong tỉnh, không phụ thuộc nơi cư trú.
proc-where-province = Trung tâm Phục vụ hành chính công của tỉnh, hoặc Trung tâm của xã, phường (được chuyển đến cơ quan giải quyết).
proc-where-find = Tìm nơi nộp theo địa chỉ (địa chỉ cũ cũng được)
proc-where-address = Địa chỉ của bạn
proc-where-button = Tìm nơi nộp
proc-where-result = Địa chỉ này nay thuộc { $commune }, { $province }.
proc-where-partial = Xã cũ đã được chia: địa chỉ của bạn có thể thuộc một trong các đơn vị sau.
proc-where-none = Không nhận ra địa chỉ này. Hãy ghi tên xã, huyện, tỉnh (có dấu hoặc không dấu).
proc-online = Nộp trực tuyến toàn trình
proc-apply = Nộp hồ sơ trực tuyến
proc-example = Giá trị ví dụ, chưa được xác nhận từ văn bản pháp luật
proc-not-found = Không có thủ tục với mã này.
proc-version = Phiên bản { $version }

channel-direct = Trực tiếp
channel-online = Trực tuyến
channel-postal = Qua bưu chính
channel-kiosk = Ki-ốt

level-commune = Cấp xã
level-province = Cấp tỉnh
level-central = Trung ương

time-same-day = Trong ngày (nộp sau 15 giờ thì trả trong ngày làm việc tiếp theo)
time-working-hours = { $n } giờ làm việc
time-working-days = { $n } ngày làm việc
time-days = { $n } ngày
time-months = { $n } tháng

track-title = Tra cứu hồ sơ
track-lead = Nhập mã hồ sơ in trên giấy tiếp nhận và số điện thoại bạn đã khai khi nộp.
track-code = Mã hồ sơ
track-code-hint = Ví dụ: 24958-250303-0001
track-phone = Số điện thoại
track-button = Tra cứu
track-not-found = Không tìm thấy hồ sơ với mã và số điện thoại này. Hãy kiểm tra lại giấy tiếp nhận.
track-status = Tình trạng
track-due = Hẹn trả kết quả
track-agency = Đang xử lý tại
track-submitted = Ngày nộp
track-timeline = Quá trình xử lý
error-summary = Có lỗi cần sửa
error-code-required = Nhập mã hồ sơ
error-phone-invalid = Nhập số điện thoại 10 hoặc 11 chữ số, bắt đầu bằng 0

status-submitted = Mới đăng ký
status-received = Đã tiếp nhận
status-refused = Không được tiếp nhận
status-processing = Đang xử lý
status-supplement_requested = Cần bổ sung giấy tờ
status-awaiting_payment = Chờ nộp phí, lệ phí
status-withdrawn = Đã rút hồ sơ
status-stopped = Dừng xử lý
status-finished = Đã có kết quả
status-returned = Đã trả kết quả

action-submit = Nộp hồ sơ
action-receive = Tiếp nhận hồ sơ
action-refuse = Từ chối tiếp nhận
action-request_supplement = Yêu cầu bổ sung giấy tờ
action-supplement = Đã bổ sung giấy tờ
action-assign = Phân công xử lý
action-transfer = Chuyển cơ quan xử lý
action-request_payment = Yêu cầu nộp phí, lệ phí
action-pay = Đã nộp phí, lệ phí
action-finish = Có kết quả giải quyết
action-return_result = Trả kết quả
action-reschedule = Xin lỗi và hẹn lại ngày trả
action-withdraw = Rút hồ sơ
action-stop = Dừng giải quyết

not-found-title = Không tìm thấy trang
not-found-lead = Trang bạn tìm không có. Hãy quay lại trang chủ.

kind-commune_peoples_committee = Ủy ban nhân dân cấp xã
kind-commune_police = Công an cấp xã
kind-commune_service_center = Trung tâm Phục vụ hành chính công cấp xã
kind-provincial_peoples_committee = Ủy ban nhân dân tỉnh
kind-provincial_service_center = Trung tâm Phục vụ hành chính công tỉnh
kind-provincial_police = Công an tỉnh
kind-department_of_justice = Sở Tư pháp
kind-department_of_home_affairs = Sở Nội vụ
kind-department_of_construction = Sở Xây dựng
kind-social_insurance = Bảo hiểm xã hội
