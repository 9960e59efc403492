// EMIS GraphiQL bootstrap. Part of EMIS (AGPL-3.0-or-later), not of the vendored files
// beside it. Kept out of the HTML page so that the page's Content-Security-Policy can refuse
// every inline script. Runs after react, react-dom and graphiql (all loaded with `defer`).
'use strict';

(function () {
  var DEFAULT_QUERY = [
    '# EMIS GraphiQL',
    '#',
    '# Đăng nhập:',
    '# 1. Điền tên đăng nhập (hoặc số điện thoại)',
    '#    và mật khẩu vào mutation SignIn, rồi chạy nó.',
    '# 2. Sao chép accessToken trong kết quả.',
    '# 3. Mở ngăn "Headers" ở dưới và dán:',
    '#    {"Authorization": "Bearer <accessToken>"}',
    '# 4. Chạy truy vấn Me để kiểm tra.',
    '# accessToken hết hạn sau ít phút: dùng',
    '# refreshSession(refreshToken) hoặc đăng nhập lại.',
    '#',
    '# Signing in:',
    '# 1. Put your username (or phone number) and',
    '#    password in the SignIn mutation and run it.',
    '# 2. Copy the accessToken from the result.',
    '# 3. Open the "Headers" pane below and paste:',
    '#    {"Authorization": "Bearer <accessToken>"}',
    '# 4. Run the Me query to check.',
    '# An accessToken expires after a few minutes: use',
    '# refreshSession(refreshToken) or sign in again.',
    '',
    'mutation SignIn {',
    '  signIn(identifier: "username", password: "password") {',
    '    accessToken',
    '    accessExpiresAt',
    '    refreshToken',
    '  }',
    '}',
    '',
    'query Me {',
    '  me {',
    '    accountKind',
    '    roles',
    '  }',
    '}',
    '',
  ].join('\n');

  // The fetcher sends every header of the headers pane, so an Authorization header
  // written there goes with each request (introspection included).
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      isHeadersEditorEnabled: true,
      // Open the tools pane on the headers tab: that is where the token goes.
      defaultEditorToolsVisibility: 'headers',
      // Do not keep bearer tokens in localStorage across visits.
      shouldPersistHeaders: false,
    }),
  );
})();
