using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Hub.Cli;

namespace Hub.Tests.Cli;

/// <summary>The pure rules of hubctl's output: table widths with Chinese text, and what it says about a failed connection.</summary>
[Trait("Category", "Unit")]
public sealed class CliPresentationTests
{
    [Theory]
    [InlineData("abc", 3)]
    [InlineData("营业执照", 8)]
    [InlineData("西安市 A 区", 11)]
    [InlineData("（全角）", 8)]
    [InlineData("e\u0301", 1)]
    public void Width_counts_terminal_cells(string text, int cells) => Assert.Equal(cells, TextTable.Width(text));

    [Fact]
    public void Columns_line_up_with_Chinese_names_in_them()
    {
        var table = new TextTable("CODE", "NAME", "STATE");
        table.Add("A1", "西安市市场监督管理局", "active");
        table.Add("B22", "hub-bootstrap-admin", "disabled");
        using var output = new StringWriter();

        table.WriteTo(output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] lastCells = ["STATE", "active", "disabled"];
        var stateStarts = lines.Zip(lastCells, (line, cell) => TextTable.Width(line[..line.LastIndexOf(cell, StringComparison.Ordinal)]));
        Assert.Single(stateStarts.Distinct());
    }

    [Fact]
    public void A_long_cell_is_cut_by_cells_with_an_ellipsis()
    {
        var table = new TextTable("NAME") { MaxCellWidth = 9 };
        table.Add("西安市市场监督管理局");
        using var output = new StringWriter();

        table.WriteTo(output);

        Assert.Equal("西安市市…", output.ToString().Split('\n')[1].TrimEnd('\r'));
    }

    [Fact]
    public void Ca_file_trusts_a_certificate_its_CA_issued_or_the_very_certificate_given_and_nothing_else()
    {
        using var cityCa = Authority("CN=西安市政务 CA");
        using var otherCa = Authority("CN=other CA");
        using var hub = Leaf(cityCa, "CN=hub.xa.gov.cn");
        using var impostor = Leaf(otherCa, "CN=hub.xa.gov.cn");
        var trustCity = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(cityCa.RawData));
        var pinHub = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(hub.RawData));
        const SslPolicyErrors Untrusted = SslPolicyErrors.RemoteCertificateChainErrors;

        Assert.True(ConnectionOptions.IssuedBy(hub, trustCity, Untrusted));
        Assert.False(ConnectionOptions.IssuedBy(impostor, trustCity, Untrusted));
        Assert.False(ConnectionOptions.IssuedBy(hub, trustCity, Untrusted | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.True(ConnectionOptions.IssuedBy(hub, pinHub, Untrusted | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(ConnectionOptions.IssuedBy(impostor, pinHub, Untrusted));
    }

    private static X509Certificate2 Authority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static X509Certificate2 Leaf(X509Certificate2 authority, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMonths(1), RandomNumberGenerator.GetBytes(8));
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    [Fact]
    public void An_untrusted_certificate_names_the_address_and_the_ca_file_option()
    {
        var failure = new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call.", new HttpRequestException("The SSL connection could not be established", new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"))));
        using var error = new StringWriter();

        var exit = ErrorReport.Print(failure, error, "https://hub.xa.gov.cn:5001");

        Assert.Equal(ExitCodes.Unreachable, exit);
        Assert.Contains("cannot connect to the hub at https://hub.xa.gov.cn:5001: its TLS certificate is not trusted here", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--ca-file", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_status_the_hub_sent_is_a_refusal_not_an_outage()
    {
        var refusal = new RpcException(new Status(StatusCode.Unavailable, "the database is restarting"));
        using var error = new StringWriter();

        var exit = ErrorReport.Print(refusal, error, "http://127.0.0.1:5000");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("error: Unavailable: the database is restarting", error.ToString(), StringComparison.Ordinal);
    }
}
