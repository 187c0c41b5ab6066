using System.Text;
using System.Text.Encodings.Web;
using OpenIddict.Abstractions;

namespace CitizenWorkflows.Local.Identity;

/// <summary>The local provider's sign-in form (no script, no style): the authorization request travels in hidden fields.</summary>
public static class LocalSignInPage
{
    static readonly HashSet<string> NotCarried = new(StringComparer.Ordinal) { "username", "password" };

    public static string Render(OpenIddictRequest request, string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        HtmlEncoder html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Sign in · CitizenWorkflows (local)</title></head>
            <body>
            <main>
            <h1>Sign in</h1>
            <p>CitizenWorkflows local OpenID provider. Accounts are in .local/identities.json.</p>
            """);
        if (error is not null)
        {
            page.Append("<p role=\"alert\">").Append(html.Encode(error)).Append("</p>\n");
        }

        page.Append("<form method=\"post\" action=\"/").Append(LocalIdentityProvider.AuthorizePath).Append("\">\n");
        foreach ((string name, OpenIddictParameter value) in request.GetParameters())
        {
            if (!NotCarried.Contains(name) && (string?)value is { } text)
            {
                page.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(text)).Append("\">\n");
            }
        }

        page.Append("""
            <p><label for="username">User name</label> <input id="username" name="username" autocomplete="username" required></p>
            <p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            </main>
            </body>
            </html>
            """);
        return page.ToString();
    }
}
