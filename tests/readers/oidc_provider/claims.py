from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Name and address claims; users whose username starts with "unverified" have an address
    the provider says it has not verified."""

    def get_additional_claims(self, request):
        return {
            "name": request.user.first_name,
            "email": request.user.email,
            "email_verified": not request.user.username.startswith("unverified"),
        }
